import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventRecord } from '../../common/events/record';
import type { LogFs } from './logFs';
import { LogReader } from './LogReader';

/** What asciinema assumes when a recording names no size; used when a terminal's log has none. */
const DEFAULT_SIZE = { cols: 80, rows: 24 };
/** Cast lines are buffered per terminal and written in chunks of about this much. */
const WRITE_CHUNK_CHARS = 1 << 20;

export interface CastInfo {
  ptyId: string;
  path: string;
  width: number;
  height: number;
  /** Number of event lines (o, i, r, m). */
  events: number;
  /** UTF-16 length of all its output. */
  outputChars: number;
}

export interface ExportCastsResult {
  outDir: string;
  records: number;
  casts: CastInfo[];
  tornTailBytes?: number;
}

interface PtyInfo {
  ptyId: string;
  firstT: number;
  firstWall: string;
  size?: { cols: number; rows: number };
}

/**
 * Writes one asciicast v2 file per terminal in the log (`pty-<id>.cast`), playable by asciinema and
 * asciinema-player: a header with the terminal's first size and start time, then `o` (output), `i` (input) and
 * `r` (resize, "COLSxROWS") events, and `m` markers for score results, pauses and resumes.
 *
 * Times are attempt time (`t`, which stops during pauses) in seconds from the terminal's first record, so a cast
 * starts when its terminal does; header.timestamp is that record's wall time. Two passes over the log keep memory
 * flat: the first finds each terminal's start and size (the header comes first), the second writes.
 */
export async function exportCasts(attemptDir: string, outDir: string, opts: { fs?: LogFs } = {}): Promise<ExportCastsResult> {
  const reader = new LogReader(attemptDir, opts.fs);
  const meta = await reader.meta();
  const ptys = new Map<string, PtyInfo>();
  let records = 0;
  for await (const r of reader.records()) {
    records++;
    const id = ptyIdOf(r);
    if (id === undefined) continue;
    let p = ptys.get(id);
    if (!p) ptys.set(id, (p = { ptyId: id, firstT: r.t, firstWall: r.wall }));
    if (!p.size && (r.kind === 'pty.open' || r.kind === 'pty.resize')) p.size = { cols: Number(r.data.cols), rows: Number(r.data.rows) };
  }

  await mkdir(outDir, { recursive: true });
  const writers = new Map<string, CastWriter>();
  const names = new Set<string>();
  try {
    for (const p of ptys.values()) {
      const w = await CastWriter.create(join(outDir, uniqueName(p.ptyId, names)), p);
      await w.line({
        version: 2,
        width: p.size?.cols ?? DEFAULT_SIZE.cols,
        height: p.size?.rows ?? DEFAULT_SIZE.rows,
        timestamp: Math.floor(Date.parse(p.firstWall) / 1000),
        title: `${meta.attempt} · terminal ${p.ptyId}`,
      });
      writers.set(p.ptyId, w);
    }
    for await (const r of reader.records()) {
      const id = ptyIdOf(r);
      const w = id === undefined ? undefined : writers.get(id);
      if (w) {
        if (r.kind === 'pty.output') await w.event(r.t, 'o', String(r.data.data));
        else if (r.kind === 'pty.input') await w.event(r.t, 'i', String(r.data.data));
        else if (r.kind === 'pty.resize') await w.event(r.t, 'r', `${r.data.cols}x${r.data.rows}`);
        continue;
      }
      const label = markerLabel(r);
      if (label === undefined) continue;
      for (const cw of writers.values()) if (r.t >= cw.info.firstT) await cw.event(r.t, 'm', label);
    }
  } finally {
    await Promise.allSettled([...writers.values()].map((w) => w.close()));
  }
  return {
    outDir,
    records,
    casts: [...writers.values()].map((w) => w.summary()),
    ...(reader.tornTail ? { tornTailBytes: reader.tornTail.bytes } : {}),
  };
}

export function formatExportResult(r: ExportCastsResult): string {
  const lines = [`exported ${r.casts.length} terminal(s) from ${r.records} records to ${r.outDir}`];
  for (const c of r.casts) lines.push(`  ${c.path}: ${c.width}x${c.height}, ${c.events} events, ${c.outputChars} chars of output`);
  if (r.tornTailBytes) lines.push(`  (the log ends with a torn line of ${r.tornTailBytes} byte(s), left out)`);
  return lines.join('\n');
}

function ptyIdOf(r: EventRecord): string | undefined {
  return r.src === 'pty' && typeof r.data.ptyId === 'string' ? r.data.ptyId : undefined;
}

function markerLabel(r: EventRecord): string | undefined {
  switch (r.kind) {
    case 'scorer.result': {
      const msg = typeof r.data.message === 'string' && r.data.message ? ` (${r.data.message})` : '';
      return `score: ${r.data.score ?? 'none'}${msg}`;
    }
    case 'app.pause':
      return `pause: ${r.data.reason ?? ''}`;
    case 'app.resume':
      return 'resume';
    default:
      return undefined;
  }
}

/** A file name from a pty id that cannot leave outDir or clash with another terminal's. */
function uniqueName(ptyId: string, taken: Set<string>): string {
  const base = `pty-${ptyId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`;
  let name = `${base}.cast`;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}.cast`;
  taken.add(name);
  return name;
}

class CastWriter {
  private buf: string[] = [];
  private bufChars = 0;
  private events = 0;
  private outputChars = 0;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly info: PtyInfo,
  ) {}

  static async create(path: string, info: PtyInfo): Promise<CastWriter> {
    return new CastWriter(path, await open(path, 'w'), info);
  }

  async event(t: number, code: 'o' | 'i' | 'r' | 'm', data: string): Promise<void> {
    this.events++;
    if (code === 'o') this.outputChars += data.length;
    // Microsecond precision, as asciinema writes; never negative (a marker before the terminal opened is skipped).
    const seconds = Math.max(0, Math.round((t - this.info.firstT) * 1000) / 1e6);
    await this.line([seconds, code, data]);
  }

  async line(value: unknown): Promise<void> {
    const s = `${JSON.stringify(value)}\n`;
    this.buf.push(s);
    this.bufChars += s.length;
    if (this.bufChars >= WRITE_CHUNK_CHARS) await this.drain();
  }

  summary(): CastInfo {
    const header = this.info.size ?? DEFAULT_SIZE;
    return { ptyId: this.info.ptyId, path: this.path, width: header.cols, height: header.rows, events: this.events, outputChars: this.outputChars };
  }

  async close(): Promise<void> {
    try {
      await this.drain();
    } finally {
      await this.fh.close();
    }
  }

  private async drain(): Promise<void> {
    if (!this.buf.length) return;
    const s = this.buf.join('');
    this.buf = [];
    this.bufChars = 0;
    await this.fh.write(s);
  }
}
