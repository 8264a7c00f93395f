import type { Logger } from '../../common/clock';
import type { PtyService } from '../contracts';

/** Appends a host record to an attempt's trajectory; synchronous (see AttemptService.record). */
export type RecordFn = (attemptId: string, src: 'pty', kind: string, data: Record<string, unknown>) => unknown;

/** As the pty host clamps sizes (PtyHost.ts): what the pty really got is what the record says. */
const MIN_CELLS = 1;
const MAX_CELLS = 4096;
/** Output that arrives before create() resolves is held until pty.open is written, up to this many batches. */
const EARLY_OUTPUT_MAX_BATCHES = 64;

function cells(n: number, fallback: number): number {
  return Number.isFinite(n) ? Math.min(MAX_CELLS, Math.max(MIN_CELLS, Math.floor(n))) : fallback;
}

/**
 * Records every terminal of an attempt: pty.open, pty.input (the exact string sent), pty.output (each batch exactly
 * as the pty host delivered it), pty.resize and pty.exit. Appending is a synchronous, in-memory step on the path
 * of every output batch; the disk write happens later in a group, so the terminal is not slowed by the disk.
 *
 * The pty host may deliver a new pty's first output in the same read as its "ready", before create() resolves
 * and the caller can say which attempt it belongs to: that output is held and written right after pty.open.
 */
export class TerminalRecorder {
  private readonly owners = new Map<string, string>();
  private readonly early = new Map<string, string[]>();
  private readonly earlyExits = new Map<string, { exitCode: number; signal?: number }>();
  private creating = 0;
  private warned = false;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    pty: Pick<PtyService, 'onData' | 'onExit'>,
    private readonly record: RecordFn,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = [pty.onData((id, data) => this.output(id, data)), pty.onExit((id, exitCode, signal) => this.exited(id, exitCode, signal))];
  }

  /**
   * Runs a pty create for an attempt and records pty.open once it has its id; output for ptys not yet known is
   * held while a create is in flight.
   */
  async create(attemptId: string, info: { cols: number; rows: number; cwd?: string; shell?: string }, create: () => Promise<string>): Promise<string> {
    this.creating++;
    try {
      const ptyId = await create();
      this.opened(ptyId, attemptId, info);
      return ptyId;
    } finally {
      if (--this.creating === 0) {
        this.early.clear();
        this.earlyExits.clear();
      }
    }
  }

  private opened(ptyId: string, attemptId: string, info: { cols: number; rows: number; cwd?: string; shell?: string }): void {
    this.owners.set(ptyId, attemptId);
    this.append(attemptId, 'pty.open', { ptyId, cols: cells(info.cols, 80), rows: cells(info.rows, 24), ...(info.cwd ? { cwd: info.cwd } : {}), ...(info.shell ? { shell: info.shell } : {}) });
    const held = this.early.get(ptyId);
    this.early.delete(ptyId);
    for (const data of held ?? []) this.append(attemptId, 'pty.output', { ptyId, data });
    const exit = this.earlyExits.get(ptyId);
    this.earlyExits.delete(ptyId);
    if (exit) this.exited(ptyId, exit.exitCode, exit.signal);
  }

  input(ptyId: string, data: string): void {
    const attemptId = this.owners.get(ptyId);
    if (attemptId !== undefined) this.append(attemptId, 'pty.input', { ptyId, data });
  }

  resized(ptyId: string, cols: number, rows: number): void {
    const attemptId = this.owners.get(ptyId);
    if (attemptId !== undefined) this.append(attemptId, 'pty.resize', { ptyId, cols: cells(cols, 80), rows: cells(rows, 24) });
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.owners.clear();
    this.early.clear();
    this.earlyExits.clear();
  }

  private output(ptyId: string, data: string): void {
    const attemptId = this.owners.get(ptyId);
    if (attemptId !== undefined) return this.append(attemptId, 'pty.output', { ptyId, data });
    if (this.creating === 0) return;
    const held = this.early.get(ptyId) ?? [];
    if (held.length < EARLY_OUTPUT_MAX_BATCHES) held.push(data);
    this.early.set(ptyId, held);
  }

  private exited(ptyId: string, exitCode: number, signal?: number): void {
    const attemptId = this.owners.get(ptyId);
    if (attemptId === undefined) {
      if (this.creating > 0) this.earlyExits.set(ptyId, { exitCode, ...(signal !== undefined ? { signal } : {}) });
      return;
    }
    this.owners.delete(ptyId);
    this.append(attemptId, 'pty.exit', { ptyId, exitCode: Number.isInteger(exitCode) ? exitCode : null, ...(signal !== undefined ? { signal } : {}) });
  }

  /** A record that cannot be written must never break the terminal: it is logged, once. */
  private append(attemptId: string, kind: string, data: Record<string, unknown>): void {
    try {
      this.record(attemptId, 'pty', kind, data);
    } catch (e) {
      if (this.warned) return;
      this.warned = true;
      this.logger.warn(`terminal recording failed for attempt ${attemptId}: ${(e as Error).message}`);
    }
  }
}
