import type { Logger } from '../../common/clock';
import type { PtyService } from '../contracts';
import { partialSecretAtEnd } from '../recorder/SecretRedactor';

/** Appends a host record to an attempt's trajectory; synchronous (see AttemptService.record). */
export type RecordFn = (attemptId: string, src: 'pty', kind: string, data: Record<string, unknown>) => unknown;

/** The values an attempt's trajectory must never hold (its environment's secrets); none for most attempts. */
export type SecretsFn = (attemptId: string) => readonly string[];

/** Output held back because it may be the start of a secret is written anyway after this long without more. */
const HOLD_MS = 100;

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
  /** Per pty: output that might begin a secret, waiting for the next batch (see partialSecretAtEnd). */
  private readonly held = new Map<string, { text: string; timer: ReturnType<typeof setTimeout> }>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    pty: Pick<PtyService, 'onData' | 'onExit'>,
    private readonly record: RecordFn,
    private readonly logger: Logger,
    private readonly secrets: SecretsFn = () => [],
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
    for (const data of held ?? []) this.recordOutput(attemptId, ptyId, data);
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
    for (const [ptyId] of this.held) this.releaseHeld(ptyId);
    this.owners.clear();
    this.early.clear();
    this.earlyExits.clear();
  }

  private output(ptyId: string, data: string): void {
    const attemptId = this.owners.get(ptyId);
    if (attemptId !== undefined) return this.recordOutput(attemptId, ptyId, data);
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
    this.releaseHeld(ptyId);
    this.owners.delete(ptyId);
    this.append(attemptId, 'pty.exit', { ptyId, exitCode: Number.isInteger(exitCode) ? exitCode : null, ...(signal !== undefined ? { signal } : {}) });
  }

  /**
   * Records a batch, unless its end might be the first part of a secret: that part waits for the next batch (or
   * HOLD_MS), so the redactor sees the secret whole. Attempts without secrets record every batch as it comes.
   */
  private recordOutput(attemptId: string, ptyId: string, data: string): void {
    const waiting = this.held.get(ptyId);
    if (waiting) clearTimeout(waiting.timer);
    this.held.delete(ptyId);
    const text = waiting ? waiting.text + data : data;
    const secrets = this.secrets(attemptId);
    const keep = secrets.length ? partialSecretAtEnd(text, secrets) : 0;
    if (keep < text.length) this.append(attemptId, 'pty.output', { ptyId, data: text.slice(0, text.length - keep) });
    if (keep > 0) this.held.set(ptyId, { text: text.slice(text.length - keep), timer: setTimeout(() => this.releaseHeld(ptyId), HOLD_MS) });
  }

  private releaseHeld(ptyId: string): void {
    const waiting = this.held.get(ptyId);
    const attemptId = this.owners.get(ptyId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.held.delete(ptyId);
    if (attemptId !== undefined) this.append(attemptId, 'pty.output', { ptyId, data: waiting.text });
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
