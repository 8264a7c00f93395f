import { deflateRawSync } from 'node:zlib';
import type { FileState } from './FileStates';
import { HeadlessTerminal } from './HeadlessTerminal';
import type { ReplayState } from './ReplayState';

export interface SnapshotTuning {
  /** A checkpoint (files, and where each terminal's snapshot is) at least this often in attempt time. */
  everyMs: number;
  /** A terminal is serialized again once it has printed this much since its last snapshot… */
  everyOutputChars: number;
  /** …or once this many records went by while it changed: together they bound what a seek replays. */
  everyRecords: number;
  /**
   * Restore each serialized terminal and serialize it again; where the two differ (SerializeAddon does not encode
   * every state exactly, e.g. tab gaps at a wrap, an alternate screen after a resize) keep the last exact
   * snapshot, so seeking never shows something replaying from the start would not.
   */
  verify: boolean;
  /**
   * A snapshot that fails verification is kept anyway once the last exact one is this many intervals old: past that,
   * a bounded seek is worth more than a screen detail SerializeAddon cannot encode.
   */
  maxStaleness: number;
}

/**
 * Every minute; a terminal every 1 M characters of output or 20,000 records: a seek then replays at most about
 * that, well under the 500 ms goal, and an 8-hour log serializes each terminal a few dozen times, not thousands.
 */
export const DEFAULT_SNAPSHOTS: SnapshotTuning = { everyMs: 60_000, everyOutputChars: 1_000_000, everyRecords: 20_000, verify: true, maxStaleness: 8 };

/** One terminal's state after records [0, at): serialize() output, raw-deflated. */
export interface TerminalSnapshot {
  at: number;
  cols: number;
  rows: number;
  exited: boolean;
  serialized: Buffer;
  /** False when verification failed and it was kept only because every earlier one was too old. */
  exact: boolean;
}

export interface TerminalEntry {
  snap: TerminalSnapshot;
  /** The terminal changed after snap.at: a frame replays its records from there. */
  stale: boolean;
}

/** The panes after records [0, at). Terminals and files unchanged since the previous checkpoint share objects. */
export interface Snapshot {
  at: number;
  terminals: ReadonlyMap<string, TerminalEntry>;
  files: ReadonlyMap<string, FileState>;
  activeFile?: string;
}

interface Pending {
  chars: number;
  /** Retry a failed verification only after another interval. */
  nextTryChars: number;
  nextTryAt: number;
  /** Not safe to snapshot (mid-sequence, say): wait for this terminal's next output before trying again. */
  waitOutput: boolean;
}

const EMPTY = deflateRawSync('');

/** Takes snapshots while the indexer streams records through a ReplayState. */
export class Snapshotter {
  readonly snapshots: Snapshot[] = [{ at: 0, terminals: new Map(), files: new Map() }];
  /** Terminal snapshots that failed verification and were kept only for their age. */
  inexact = 0;
  serializations = 0;
  private readonly latest = new Map<string, TerminalSnapshot>();
  private readonly changed = new Map<string, Pending>();
  private lastCheckpointT = 0;
  /** At the end of the log nothing follows, so a terminal is snapshotted whatever state its parser is in. */
  private final = false;

  constructor(
    private readonly tuning: SnapshotTuning,
    private readonly state: ReplayState,
  ) {}

  /** Before record `at` (time t) is applied: take what is due. */
  async before(at: number, t: number): Promise<void> {
    const due: string[] = [];
    for (const [ptyId, p] of this.changed) {
      if (!p.waitOutput && (p.chars >= p.nextTryChars || at >= p.nextTryAt)) due.push(ptyId);
    }
    const last = this.snapshots[this.snapshots.length - 1]!;
    if (at === last.at || (due.length === 0 && t - this.lastCheckpointT < this.tuning.everyMs)) return;
    if (due.length) await this.serialize(due, at);
    this.checkpoint(at, t);
  }

  /** After a record was applied. */
  after(at: number, kind: string, ptyId: string | undefined, chars: number): void {
    if (!ptyId || !kind.startsWith('pty.') || kind === 'pty.input') return;
    const term = this.state.terminals.get(ptyId);
    if (kind === 'pty.open' && term) {
      this.latest.set(ptyId, { at: at + 1, cols: term.cols, rows: term.rows, exited: false, serialized: EMPTY, exact: true });
      this.changed.delete(ptyId);
      return;
    }
    let p = this.changed.get(ptyId);
    if (!p) {
      const nextTryAt = (this.latest.get(ptyId)?.at ?? at) + this.tuning.everyRecords;
      this.changed.set(ptyId, (p = { chars: 0, nextTryChars: this.tuning.everyOutputChars, nextTryAt, waitOutput: false }));
    }
    p.chars += chars;
    if (chars > 0) p.waitOutput = false;
  }

  /** The end of the log: every changed terminal serialized, so the last frame comes straight from a snapshot. */
  async finish(at: number, t: number): Promise<void> {
    this.final = true;
    if (this.changed.size) await this.serialize([...this.changed.keys()], at);
    if (this.snapshots[this.snapshots.length - 1]!.at !== at) this.checkpoint(at, t);
  }

  private async serialize(ptyIds: string[], at: number): Promise<void> {
    await this.state.settle();
    for (const ptyId of ptyIds) {
      const term = this.state.terminals.get(ptyId);
      const p = this.changed.get(ptyId)!;
      if (!term) {
        this.changed.delete(ptyId);
        continue;
      }
      if (!term.snapshotSafe && !this.final) {
        p.waitOutput = true;
        continue;
      }
      const serialized = term.serialize();
      this.serializations++;
      const exact = !this.tuning.verify || (await restoresExactly(term.cols, term.rows, serialized));
      const prev = this.latest.get(ptyId);
      const { maxStaleness, everyOutputChars, everyRecords } = this.tuning;
      const tooOld = !prev || p.chars >= maxStaleness * everyOutputChars || at - prev.at >= maxStaleness * everyRecords;
      if (exact || tooOld) {
        if (!exact) this.inexact++;
        this.latest.set(ptyId, { at, cols: term.cols, rows: term.rows, exited: term.exited, serialized: deflateRawSync(serialized, { level: 1 }), exact });
        this.changed.delete(ptyId);
      } else {
        p.nextTryChars = p.chars + this.tuning.everyOutputChars;
        p.nextTryAt = at + this.tuning.everyRecords;
      }
    }
  }

  private checkpoint(at: number, t: number): void {
    const terminals = new Map<string, TerminalEntry>();
    for (const ptyId of this.state.terminals.keys()) {
      const snap = this.latest.get(ptyId);
      // Output before any pty.open (a log cut at its start) has no snapshot yet: the terminal starts empty at 0.
      terminals.set(ptyId, { snap: snap ?? { at: 0, cols: 80, rows: 24, exited: false, serialized: EMPTY, exact: true }, stale: !snap || this.changed.has(ptyId) });
    }
    this.snapshots.push({ at, terminals, files: new Map(this.state.files.files), activeFile: this.state.activeFile });
    this.lastCheckpointT = t;
  }
}

async function restoresExactly(cols: number, rows: number, serialized: string): Promise<boolean> {
  const copy = HeadlessTerminal.restore(cols, rows, serialized);
  try {
    await copy.settle();
    return copy.serialize() === serialized;
  } finally {
    copy.dispose();
  }
}
