import type { Logger } from '../../common/clock';
import { runCommand, type CommandRunner } from '../envs/commandRunner';
import { APPS_QUERY_ARGS, GPU_QUERY_ARGS, parseApps, parseGpus, type GpuProcess, type GpuSample } from './nvidiaSmi';
import { realIntervalTimers, type IntervalTimers, type Sampler } from './Sampler';

/** The period: enough to see a training run start and stop, small beside an 8-hour log. */
export const GPU_POLL_MS = 10_000;
/** nvidia-smi can take a second or two to wake a driver. */
const NVIDIA_SMI_TIMEOUT_MS = 5_000;

export type GpuRecord = { available: true; gpus: GpuSample[]; processes?: GpuProcess[] } | { available: false; gpus: []; reason: string };

/**
 * Samples the GPUs with nvidia-smi while the attempt runs. Where nvidia-smi is absent or does not answer the first
 * time, one `{available: false}` record says so and the sampler stays off (the machine has no NVIDIA GPU); a later
 * failure skips that sample (logged once).
 */
export class GpuSampler implements Sampler {
  private timer?: unknown;
  private answered = false;
  private unavailable = false;
  private inFlight?: Promise<void>;
  private warned = false;

  constructor(
    private readonly record: (r: GpuRecord) => void,
    private readonly opts: { run?: CommandRunner; timers?: IntervalTimers; intervalMs?: number; logger?: Logger } = {},
  ) {}

  start(): void {
    if (this.timer !== undefined || this.unavailable) return;
    void this.poll();
    this.timer = (this.opts.timers ?? realIntervalTimers).setInterval(() => void this.poll(), this.opts.intervalMs ?? GPU_POLL_MS);
  }

  stop(): void {
    if (this.timer !== undefined) (this.opts.timers ?? realIntervalTimers).clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample; a poll still running (a slow nvidia-smi) makes the next one a no-op. */
  poll(): Promise<void> {
    if (this.unavailable) return Promise.resolve();
    this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async sample(): Promise<void> {
    const run = this.opts.run ?? runCommand;
    const q = await run('nvidia-smi', GPU_QUERY_ARGS, { timeoutMs: NVIDIA_SMI_TIMEOUT_MS });
    if (this.timer === undefined && this.answered) return; // stopped while it ran
    if (!q.ok) {
      const reason = q.failure === 'not-found' ? 'nvidia-smi not found' : q.failure === 'timeout' ? 'nvidia-smi did not answer' : `nvidia-smi failed: ${(q.stderr || q.stdout).trim().split('\n')[0] ?? ''}`;
      if (!this.answered) {
        this.unavailable = true;
        this.stop();
        this.record({ available: false, gpus: [], reason });
      } else if (!this.warned) {
        this.warned = true;
        this.opts.logger?.warn(`GPU sample skipped: ${reason}`);
      }
      return;
    }
    this.answered = true;
    const apps = await run('nvidia-smi', APPS_QUERY_ARGS, { timeoutMs: NVIDIA_SMI_TIMEOUT_MS });
    if (this.timer === undefined) return;
    this.record({ available: true, gpus: parseGpus(q.stdout), ...(apps.ok ? { processes: parseApps(apps.stdout) } : {}) });
  }
}
