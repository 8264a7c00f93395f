/**
 * The recent output of each live terminal, so a page that lost its terminals (a reload, a second window) can show
 * them again with their screen and some scrollback. Bounded per pty; what falls off the front is cut at a line end
 * so the replayed text never starts inside an escape sequence's line.
 */
import type { PtyAttachment } from '../../common/api';

export const BACKLOG_CHARS = 256 * 1024;

interface Entry {
  attemptId: string;
  cols: number;
  rows: number;
  owner: 'user' | 'agent';
  chunks: string[];
  size: number;
  trimmed: boolean;
}

export class PtyBacklog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly cap = BACKLOG_CHARS) {}

  open(ptyId: string, attemptId: string, cols: number, rows: number, owner: 'user' | 'agent'): void {
    this.entries.set(ptyId, { attemptId, cols, rows, owner, chunks: [], size: 0, trimmed: false });
  }

  append(ptyId: string, data: string): void {
    const e = this.entries.get(ptyId);
    if (!e) return;
    e.chunks.push(data);
    e.size += data.length;
    // Drop whole chunks while what stays still fills the cap; one oversized chunk keeps only its tail.
    while (e.chunks.length > 1 && e.size - e.chunks[0]!.length >= this.cap) {
      e.size -= e.chunks.shift()!.length;
      e.trimmed = true;
    }
    if (e.size > this.cap * 2) {
      const all = e.chunks.join('').slice(-this.cap);
      e.chunks = [all];
      e.size = all.length;
      e.trimmed = true;
    }
  }

  resized(ptyId: string, cols: number, rows: number): void {
    const e = this.entries.get(ptyId);
    if (e) Object.assign(e, { cols, rows });
  }

  close(ptyId: string): void {
    this.entries.delete(ptyId);
  }

  /** The attempt's terminals, oldest first, each with its recent output. */
  list(attemptId: string): PtyAttachment[] {
    const out: PtyAttachment[] = [];
    for (const [ptyId, e] of this.entries) {
      if (e.attemptId !== attemptId) continue;
      let backlog = e.chunks.join('');
      if (backlog.length > this.cap) backlog = backlog.slice(-this.cap);
      if (e.trimmed || backlog.length === this.cap) {
        const nl = backlog.indexOf('\n');
        if (nl >= 0) backlog = backlog.slice(nl + 1);
      }
      out.push({ ptyId, cols: e.cols, rows: e.rows, owner: e.owner, backlog });
    }
    return out;
  }
}
