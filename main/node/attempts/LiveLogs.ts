import type { AttemptLog } from './AttemptLog';
import type { AppRecord } from './attemptRecords';
import type { AttemptRecorder, OpenLogOptions } from './AttemptRecorder';
import type { Live } from './liveAttempt';
import { secretValues } from './trajectoryHelpers';

export interface LiveLogsDeps {
  recorder: AttemptRecorder;
  dirOf(attemptId: string): string;
  /** Attempt time now, for the records' `t`. */
  timeOf(attemptId: string): number;
  /** Where the values of the env's secrets come from (the host's environment). */
  hostEnv(): Record<string, string | undefined>;
}

/**
 * The attempt service's side of the trajectory: how an attempt's log is opened (at the clock's time, with its
 * secrets), found, and written with the service's own records. A dropped record is counted, never silent.
 */
export class LiveLogs {
  constructor(private readonly d: LiveLogsDeps) {}

  options(live: Live, resumeT: number): OpenLogOptions {
    const id = live.file.id;
    return {
      attemptDir: this.d.dirOf(id),
      now: () => this.d.timeOf(id),
      secrets: secretValues(live.file.secretNames ?? [], this.d.hostEnv()),
      resumeT: Math.round(resumeT),
      ...(live.lastAliveWallMs !== undefined ? { lastAliveWallMs: live.lastAliveWallMs } : {}),
    };
  }

  /** The attempt's open log; a one-shot command opens it on its first record and closes it at dispose(). */
  async logFor(live: Live): Promise<AttemptLog | undefined> {
    const open = this.d.recorder.get(live.file.id);
    if (open && !open.closed) return open;
    return this.d.recorder.open(live.file.id, this.options(live, this.d.timeOf(live.file.id)));
  }

  /** Appends the service's own records; `flush`: durable before this resolves (state changes, scores). */
  async write(live: Live, records: AppRecord[], flush: boolean): Promise<void> {
    if (!records.length) return;
    const log = await this.logFor(live);
    if (!log) {
      for (let i = 0; i < records.length; i++) this.d.recorder.dropped(live.file.id);
      return;
    }
    for (const r of records) log.append(r.src, r.kind, r.data as never, r.t ?? this.d.timeOf(live.file.id));
    if (flush) await log.flush();
  }
}
