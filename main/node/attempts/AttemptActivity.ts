import type { AttemptState } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import type { EventSrc } from '../../common/events/record';
import type { Sampler } from '../os/Sampler';
import type { FileChange, Workspace } from '../workspace/Workspace';
import { FileChangeRecorder } from './FileChangeRecorder';

export interface AttemptActivityDeps {
  /** Appends a host record to the attempt's trajectory (AttemptService.record). */
  record(attemptId: string, src: EventSrc, kind: string, data: Record<string, unknown>, t?: number): unknown;
  timeOf(attemptId: string): number;
  workspace(attemptId: string): Workspace;
  /** Every file change, for the UI's file tree. */
  onFileChange(attemptId: string, change: FileChange): void;
  /** The OS samplers for one attempt, recording into `record` (see main/node/os). */
  samplers(attemptId: string, record: (kind: string, data: Record<string, unknown>) => void): Sampler[];
  logger: Logger;
}

interface Watched {
  files?: FileChangeRecorder;
  samplers?: Sampler[];
  sampling: boolean;
}

/**
 * What a resident host watches for each attempt it holds: the workspace (fs.change records and the file tree's
 * events) while the attempt is running or paused, and the OS samplers (network, GPU) only while it runs. Driven by
 * the attempt's state, so the watching stops when the attempt ends.
 */
export class AttemptActivity {
  private readonly watched = new Map<string, Watched>();

  constructor(private readonly d: AttemptActivityDeps) {}

  /** Brings the watching in line with the attempt's state. */
  update(attemptId: string, state: AttemptState): void {
    const active = state === 'running' || state === 'paused';
    if (!active) return this.stop(attemptId);
    let w = this.watched.get(attemptId);
    if (!w) this.watched.set(attemptId, (w = { sampling: false }));
    if (!w.files) {
      w.files = this.fileRecorder(attemptId);
      w.files.start().catch((e) => this.d.logger.warn(`cannot watch the workspace of ${attemptId}: ${(e as Error).message}`));
    }
    const sample = state === 'running';
    if (sample === w.sampling) return;
    w.sampling = sample;
    w.samplers ??= this.d.samplers(attemptId, (kind, data) => this.append(attemptId, 'os', kind, data));
    for (const s of w.samplers) {
      if (sample) s.start();
      else s.stop();
    }
  }

  /** Resolves once the attempt's watcher is in place (tests, and the file tree's first listing). */
  async ready(attemptId: string): Promise<void> {
    await this.watched.get(attemptId)?.files?.start();
  }

  /** Resolves once every file change seen so far is recorded. */
  async idle(attemptId: string): Promise<void> {
    await this.watched.get(attemptId)?.files?.idle();
  }

  stop(attemptId: string): void {
    const w = this.watched.get(attemptId);
    if (!w) return;
    this.watched.delete(attemptId);
    w.files?.stop();
    for (const s of w.samplers ?? []) s.stop();
  }

  dispose(): void {
    for (const id of [...this.watched.keys()]) this.stop(id);
  }

  private fileRecorder(attemptId: string): FileChangeRecorder {
    return new FileChangeRecorder({
      workspace: this.d.workspace(attemptId),
      record: (data, t) => this.append(attemptId, 'fs', 'fs.change', data, t),
      onChange: (c) => this.d.onFileChange(attemptId, c),
      now: () => this.d.timeOf(attemptId),
      logger: this.d.logger,
    });
  }

  private append(attemptId: string, src: EventSrc, kind: string, data: Record<string, unknown>, t?: number): void {
    try {
      this.d.record(attemptId, src, kind, data, t);
    } catch (e) {
      this.d.logger.warn(`attempt ${attemptId}: ${kind} not recorded: ${(e as Error).message}`);
    }
  }
}
