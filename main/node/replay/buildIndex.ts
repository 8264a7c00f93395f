import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ReplayInfo } from '../../common/api';
import type { EventRecord, EventsMeta } from '../../common/events/record';
import { LogReader } from '../recorder/LogReader';
import { AnsiStripper } from './AnsiStripper';
import { MarkerBuilder, type Marker, type ScorePoint } from './MarkerBuilder';
import { RecordTable } from './RecordTable';
import { ReplayState } from './ReplayState';
import { SearchCorpus } from './SearchCorpus';
import { DEFAULT_SNAPSHOTS, Snapshotter, type Snapshot, type SnapshotTuning } from './Snapshotter';

export type { Snapshot, SnapshotTuning } from './Snapshotter';

/** Parsed but unsettled output kept below this per terminal while indexing; xterm drops writes past 50 MB. */
const MAX_PENDING_CHARS = 4_000_000;
/** Records indexed between yields to the event loop, so other clients of the host are not starved. */
const YIELD_EVERY = 5_000;

export interface ReplayIndex {
  dir: string;
  meta: EventsMeta;
  table: RecordTable;
  durationMs: number;
  terminals: ReplayInfo['terminals'];
  files: string[];
  markers: Marker[];
  scores: ScorePoint[];
  snapshots: Snapshot[];
  corpus: SearchCorpus;
  /** Lines that did not parse (a damaged log still replays; verify names the damage). */
  skippedLines: number;
  /** Terminal serializations while indexing, and how many of them were kept although they did not restore exactly. */
  serializations: { total: number; inexact: number };
  saves: { total: number; mismatched: number };
}

export interface BuildIndexOptions {
  snapshots?: Partial<SnapshotTuning>;
  /** The attempt's baseline, for normalized scores. */
  baseline?: { start: number; reference: number };
}

/**
 * Reads a log once, segment by segment, and builds what replay needs: where each record is, the timeline, the
 * search texts, and snapshots of terminals (headless xterm, serialized) and files at intervals.
 */
export async function buildIndex(dir: string, opts: BuildIndexOptions = {}): Promise<ReplayIndex> {
  const tuning = { ...DEFAULT_SNAPSHOTS, ...opts.snapshots };
  const reader = new LogReader(dir);
  const meta = await reader.meta();
  const segments = await reader.segments();
  const table = new RecordTable(segments.map((s) => s.path));
  const state = new ReplayState();
  const markers = new MarkerBuilder(opts.baseline);
  const corpus = new SearchCorpus();
  const strippers = new Map<string, AnsiStripper>();
  const stripperOf = (key: string) => {
    let st = strippers.get(key);
    if (!st) strippers.set(key, (st = new AnsiStripper()));
    return st;
  };
  const terminals = new Map<string, ReplayInfo['terminals'][number]>();
  const files = new Set<string>();
  const snapshotter = new Snapshotter(tuning, state);
  let lastT = 0;
  let skippedLines = 0;

  for (let s = 0; s < segments.length; s++) {
    const buf = await readFile(segments[s]!.path);
    const isLast = s === segments.length - 1;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      // Bytes after the last newline of the last segment are a torn tail (a crash mid-write): not a record.
      if (nl < 0 && isLast) break;
      const end = nl < 0 ? buf.length : nl;
      const start = pos;
      pos = end + 1;
      let r: EventRecord;
      try {
        r = JSON.parse(buf.toString('utf8', start, end)) as EventRecord;
        if (typeof r.kind !== 'string' || typeof r.t !== 'number' || typeof r.data !== 'object' || r.data === null) throw new Error('not a record');
      } catch {
        skippedLines++;
        continue;
      }
      // t never decreases in a good log; in a damaged one, clamping keeps the table sorted for binary search.
      const t = Math.max(r.t, lastT);
      const idx = table.count;
      await snapshotter.before(idx, t);
      lastT = t;
      table.push(t, typeof r.seq === 'number' ? r.seq : idx, s, start, end - start);
      state.apply(r);
      markers.add(r);
      const d = r.data as Record<string, unknown>;
      const ptyId = typeof d.ptyId === 'string' ? d.ptyId : undefined;
      snapshotter.after(idx, r.kind, ptyId, typeof d.data === 'string' ? d.data.length : 0);
      if (r.kind === 'pty.open' && ptyId && !terminals.has(ptyId)) {
        const term = state.terminals.get(ptyId)!;
        terminals.set(ptyId, { ptyId, cols: term.cols, rows: term.rows, firstT: t });
      } else if (r.kind === 'pty.output' && ptyId && typeof d.data === 'string') {
        if (!terminals.has(ptyId)) terminals.set(ptyId, { ptyId, cols: 80, rows: 24, firstT: t });
        corpus.add({ where: 'terminal-output', ptyId }, idx, stripperOf(`o${ptyId}`).push(d.data));
        const term = state.terminals.get(ptyId);
        if (term && term.pendingChars > MAX_PENDING_CHARS) await term.settle();
      } else if (r.kind === 'pty.input' && ptyId && typeof d.data === 'string') {
        corpus.add({ where: 'terminal-input', ptyId }, idx, stripperOf(`i${ptyId}`).push(d.data.replace(/\r/g, '\n')));
      } else if (r.kind === 'editor.change' && typeof d.path === 'string' && d.isFlush !== true && Array.isArray(d.changes)) {
        const typed = (d.changes as { text?: unknown }[]).map((c) => (typeof c.text === 'string' ? c.text : '')).join('');
        corpus.add({ where: 'editor', path: d.path }, idx, typed);
      }
      if ((r.kind.startsWith('editor.') || r.kind === 'fs.change') && typeof d.path === 'string') files.add(d.path);
      if (idx % YIELD_EVERY === YIELD_EVERY - 1) await nextTurn();
    }
  }
  markers.finish(lastT);
  corpus.finish();
  await snapshotter.finish(table.count, lastT);
  table.trim();
  const saves = { total: state.files.saves, mismatched: state.files.saveMismatches };
  state.dispose();
  return {
    dir,
    meta,
    table,
    durationMs: lastT,
    terminals: [...terminals.values()].sort((a, b) => a.firstT - b.firstT),
    files: [...files].sort(),
    markers: markers.markers,
    scores: markers.scores,
    snapshots: snapshotter.snapshots,
    corpus,
    skippedLines,
    serializations: { total: snapshotter.serializations, inexact: snapshotter.inexact },
    saves,
  };
}
