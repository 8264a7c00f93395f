/**
 * Keeps the newest records of the log for the live record panel, reading only what is new at each poll. When more
 * arrived since the last poll than one page holds (a flood of terminal output), it jumps to the newest rather than
 * falling further behind: the panel shows what is being recorded now.
 */
import type { LogStatus } from '../../../main/common/api';
import type { EventRecord } from '../../../main/common/events/record';

/** Records shown; older ones scroll away. */
export const LIVE_KEEP = 200;
/** Records read per poll. */
export const LIVE_PAGE = 500;

export interface LiveTailDeps {
  status(): Promise<LogStatus>;
  tail(afterSeq: number, limit: number): Promise<EventRecord[]>;
}

export class LiveTail {
  private after: number | undefined;
  records: EventRecord[] = [];

  constructor(private readonly deps: LiveTailDeps) {}

  /** Reads what is new; returns whether `records` changed. */
  async poll(): Promise<boolean> {
    if (this.after === undefined) {
      const s = await this.deps.status();
      this.after = Math.max(-1, s.lastSeq - LIVE_KEEP);
    }
    const got = await this.deps.tail(this.after, LIVE_PAGE);
    if (got.length === 0) return false;
    this.after = got[got.length - 1]!.seq;
    this.records = [...this.records, ...got].slice(-LIVE_KEEP);
    if (got.length === LIVE_PAGE) this.after = undefined;
    return true;
  }
}
