import type { EventRecord } from '../../common/events/record';
import { FileStates } from './FileStates';
import { HeadlessTerminal } from './HeadlessTerminal';

/** Terminal size assumed for output that arrives before its pty.open (a log cut at the start). */
const FALLBACK_SIZE = { cols: 80, rows: 24 };

/**
 * The panes' state at one point of a log: a headless terminal per pty and the files. Records are applied in
 * order; terminal writes are parsed asynchronously, so call settle() before reading a terminal.
 */
export class ReplayState {
  readonly terminals = new Map<string, HeadlessTerminal>();
  activeFile?: string;

  constructor(readonly files: FileStates = new FileStates()) {}

  apply(r: Pick<EventRecord, 'kind' | 'data'>): void {
    const d = r.data as Record<string, unknown>;
    if (r.kind.startsWith('pty.')) {
      this.applyPty(r.kind, d);
      return;
    }
    if (this.files.apply(r.kind, d) && r.kind.startsWith('editor.') && typeof d.path === 'string') this.activeFile = d.path;
  }

  private applyPty(kind: string, d: Record<string, unknown>): void {
    const ptyId = d.ptyId;
    if (typeof ptyId !== 'string') return;
    const term = this.terminals.get(ptyId);
    switch (kind) {
      case 'pty.open': {
        term?.dispose();
        this.terminals.set(ptyId, new HeadlessTerminal(size(d.cols, FALLBACK_SIZE.cols), size(d.rows, FALLBACK_SIZE.rows)));
        return;
      }
      case 'pty.output': {
        if (typeof d.data !== 'string') return;
        (term ?? this.orphan(ptyId)).write(d.data);
        return;
      }
      case 'pty.resize': {
        (term ?? this.orphan(ptyId)).resize(size(d.cols, term?.cols ?? FALLBACK_SIZE.cols), size(d.rows, term?.rows ?? FALLBACK_SIZE.rows));
        return;
      }
      case 'pty.exit': {
        if (term) term.exited = true;
        return;
      }
      default:
        return;
    }
  }

  private orphan(ptyId: string): HeadlessTerminal {
    const t = new HeadlessTerminal(FALLBACK_SIZE.cols, FALLBACK_SIZE.rows);
    this.terminals.set(ptyId, t);
    return t;
  }

  async settle(): Promise<void> {
    await Promise.all([...this.terminals.values()].map((t) => t.settle()));
  }

  dispose(): void {
    for (const t of this.terminals.values()) t.dispose();
    this.terminals.clear();
  }
}

function size(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
}
