/**
 * Fakes for tests of the attempt services: a clock moved by hand, an environment folder with a tiny sh scorer,
 * an EnvSource over it and a Scorer that runs it. Used by *.test.ts only.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmitFn, EnvDetail, EnvSummary } from '../../common/api';
import type { Clock, Logger } from '../../common/clock';
import { EnvSchema, type EnvInput } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import type { EnvSource, LoadedEnv, Scorer, ScorerResult, ScorerRunOptions } from '../contracts';

export class FakeClock implements Clock {
  mono = 1_000_000;
  wall = Date.parse('2026-11-30T01:02:03Z');
  boot = 'boot-1';

  monoMs(): number {
    return this.mono;
  }
  bootId(): string {
    return this.boot;
  }
  wallMs(): number {
    return this.wall;
  }
  /** Time passes: both clocks move. */
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
  /** The machine reboots after `downMs`: a new boot id, the monotonic count starts again. */
  reboot(downMs: number): void {
    this.boot = `${this.boot}+`;
    this.mono = 5_000;
    this.wall += downMs;
  }
}

export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export async function tmp(prefix = 'redesk-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * The scorer reads workspace/answer.txt: a number is the score; "crash" exits non-zero; "garbage" prints
 * something that is not JSON. With CALIBRATE=1 in the env folder it reports a baseline like a calibrating scorer.
 */
const SCORE_SH = `#!/bin/sh
ws="$1"
a=$(cat "$ws/answer.txt" 2>/dev/null || echo missing)
case "$a" in
  crash) echo "boom" >&2; exit 3 ;;
  garbage) echo "this is not json"; exit 0 ;;
  missing) echo '{"score": null, "message": "no answer.txt", "details": {}}'; exit 0 ;;
esac
if [ -f "$(dirname "$0")/CALIBRATE" ]; then
  echo "{\\"score\\": $a, \\"message\\": \\"ok\\", \\"details\\": {\\"answer\\": $a}, \\"baseline\\": {\\"start\\": 10, \\"reference\\": 2}}"
else
  echo "{\\"score\\": $a, \\"message\\": \\"ok\\", \\"details\\": {\\"answer\\": $a}}"
fi
`;

export interface EnvFixture {
  dir: string;
  source: FakeEnvSource;
}

/** An environment folder: env.json values from `overrides`, a starter with answer.txt and a run.sh, score.sh. */
export async function makeEnv(overrides: Partial<EnvInput> = {}, opts: { calibrate?: boolean } = {}): Promise<EnvFixture> {
  const dir = await tmp('redesk-env-');
  await mkdir(join(dir, 'starter', 'src'), { recursive: true });
  await writeFile(join(dir, 'starter', 'answer.txt'), '8\n');
  await writeFile(join(dir, 'starter', 'src', 'solution.py'), 'print("start")\n');
  await writeFile(join(dir, 'starter', 'run.sh'), '#!/bin/sh\necho run\n');
  await chmod(join(dir, 'starter', 'run.sh'), 0o755);
  await writeFile(join(dir, 'score.sh'), SCORE_SH);
  await writeFile(join(dir, 'README.md'), '# Task\nMake the number small.\n');
  if (opts.calibrate) await writeFile(join(dir, 'CALIBRATE'), '');
  const input: EnvInput = {
    id: 'tiny_env',
    version: '1.0.0',
    title: 'Tiny env',
    instructions: 'README.md',
    timeLimitMinutes: 60,
    pause: { allowed: true, maxTotalMinutes: 10 },
    starter: 'starter',
    scorer: { argv: ['sh', 'score.sh', '{workspace}'], timeoutSeconds: 10 },
    score: { direction: 'min', aggregate: 'best', start: 10, reference: 2 },
    ...overrides,
  };
  return { dir, source: new FakeEnvSource(dir, input) };
}

export class FakeEnvSource implements EnvSource {
  loads = 0;

  constructor(
    readonly dir: string,
    private input: EnvInput,
  ) {}

  async list(): Promise<EnvSummary[]> {
    return [this.summary()];
  }
  async get(envId: string): Promise<EnvDetail> {
    this.check(envId);
    return { ...this.summary(), instructionsMarkdown: '# Task', envHash: 'env-hash' };
  }
  async load(envId: string, variant?: string): Promise<LoadedEnv> {
    this.check(envId);
    this.loads++;
    const spec = EnvSchema.parse(this.input);
    return { spec, variant: variant ?? 'default', dir: this.dir, envHash: 'env-hash', scorerHash: 'scorer-hash', instructionsMarkdown: '# Task' };
  }
  private check(envId: string): void {
    if (envId !== this.input.id) throw new RedeskError('ENV_NOT_FOUND', `no env ${envId}`);
  }
  private summary(): EnvSummary {
    return {
      id: this.input.id,
      version: this.input.version,
      title: this.input.title,
      dir: this.dir,
      timeLimitMinutes: this.input.timeLimitMinutes,
      variants: [],
      defaultVariant: 'default',
      hardware: { gpus: 0, gpuMemoryGiB: 0, cpus: 1, ramGiB: 1, diskGiB: 1 },
    };
  }
}

/** Runs the env's score.sh on the workspace, as the real scorer runs its argv. Records what it was given. */
export class ShScorer implements Scorer {
  calls: ScorerRunOptions[] = [];
  running = 0;
  maxRunning = 0;
  /** Set to make the next run throw (a bug in a scorer runner). */
  throwNext?: Error;
  /** Set to make runs hang until aborted (a scorer still running when the app quits). */
  hang = false;

  async run(opts: ScorerRunOptions): Promise<ScorerResult> {
    this.calls.push(opts);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.throwNext) {
        const e = this.throwNext;
        this.throwNext = undefined;
        throw e;
      }
      if (this.hang) {
        await new Promise((r) => opts.signal?.addEventListener('abort', r, { once: true }));
        return { score: null, message: 'killed', details: {}, durationMs: 1, errorCode: 'SCORER_CRASHED' };
      }
      const { code, stdout } = await sh(join(opts.env.dir, 'score.sh'), opts.workspaceDir);
      if (code !== 0) return { score: null, message: `scorer exited with ${code}`, details: {}, durationMs: 1, errorCode: 'SCORER_CRASHED' };
      try {
        const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<ScorerResult, 'durationMs'>;
        return { durationMs: 1, ...out, details: out.details ?? {} };
      } catch {
        return { score: null, message: 'scorer printed no JSON', details: {}, durationMs: 1, errorCode: 'SCORER_BAD_OUTPUT' };
      }
    } finally {
      this.running--;
    }
  }
}

function sh(script: string, arg: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('sh', [script, arg], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }));
  });
}

/** Collects emitted events. */
export function recorder(): { emit: EmitFn; events: { name: string; payload: unknown }[] } {
  const events: { name: string; payload: unknown }[] = [];
  const emit: EmitFn = (name, payload) => {
    events.push({ name, payload });
  };
  return { emit, events };
}

export const noTimers = { setInterval: () => 0, clearInterval: () => {} };

export interface ServiceKit {
  svc: import('./AttemptService').AttemptService;
  dataDir: string;
  clock: FakeClock;
  scorer: ShScorer;
  env: EnvFixture;
  events: { name: string; payload: unknown }[];
  /** A new service over the same data folder, clock and env: a restart. */
  restart(mode?: 'held' | 'free'): Promise<ServiceKit>;
}

const made = new Set<import('./AttemptService').AttemptService>();

/** Disposes every service makeService made (afterEach), so their logs close their files. */
export async function disposeServices(): Promise<void> {
  const all = [...made];
  made.clear();
  await Promise.allSettled(all.map((s) => s.dispose()));
}

export interface MakeServiceOptions {
  mode?: 'held' | 'free';
  env?: EnvFixture;
  dataDir?: string;
  clock?: FakeClock;
  appendOpts?: import('../store/jsonLines').AppendOptions;
  /** The host's environment, where secret values come from. */
  hostEnv?: Record<string, string | undefined>;
}

/**
 * An AttemptService over a fresh data folder, with a hand-driven clock and timers that never fire (call tick()).
 * Its trajectory's group commit still runs on real timers; state changes flush it themselves.
 */
export async function makeService(opts: MakeServiceOptions = {}): Promise<ServiceKit> {
  const { AttemptService } = await import('./AttemptService');
  const dataDir = opts.dataDir ?? (await tmp('redesk-data-'));
  const env = opts.env ?? (await makeEnv());
  const clock = opts.clock ?? new FakeClock();
  const scorer = new ShScorer();
  const { emit, events } = recorder();
  const mode = opts.mode ?? 'held';
  const svc = new AttemptService({
    dataDir,
    envs: env.source,
    scorer,
    clock,
    logger: quietLogger,
    emit,
    mode,
    timers: noTimers,
    appendOpts: opts.appendOpts,
    appVersion: '9.9.9-test',
    hostEnv: opts.hostEnv ?? {},
    // The state machine's tests stop at scored; the seal has its own tests (attemptSealing.test.ts, bundle/).
    seal: false,
  });
  made.add(svc);
  await svc.init();
  return { svc, dataDir, clock, scorer, env, events, restart: (m) => makeService({ ...opts, mode: m ?? mode, env, dataDir, clock }) };
}
