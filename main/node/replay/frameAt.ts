import { inflateRawSync } from 'node:zlib';
import type { ReplayFrame } from '../../common/api';
import { typedText } from '../../common/replay/typedText';
import type { EventRecord } from '../../common/events/record';
import type { ReplayIndex } from './buildIndex';
import { FileStates, sha256Of } from './FileStates';
import { HeadlessTerminal } from './HeadlessTerminal';
import { ReplayState } from './ReplayState';
import type { Snapshot, TerminalSnapshot } from './Snapshotter';

/** The key overlay shows what was typed in this window before the frame's time. */
export const RECENT_KEYS_MS = 3_000;
/** At most this many entries in the overlay (a burst of typing is summarised by its tail). */
const RECENT_KEYS_MAX = 60;

/** The panes rebuilt at time t, with the records read to rebuild them (the caller disposes the state). */
export interface StateAt {
  state: ReplayState;
  snap: Snapshot;
  /** Terminals no record touched since their snapshot: their serialized text is the snapshot's. */
  untouched: Map<string, TerminalSnapshot>;
  recentKeys: ReplayFrame['recentKeys'];
}

/**
 * The panes after every record with t' <= t: from the last checkpoint at or before t, each terminal restored from
 * its own snapshot and its records after it replayed, the files' records after the checkpoint applied.
 */
export async function stateAt(index: ReplayIndex, t: number): Promise<StateAt> {
  const { table } = index;
  const end = table.upperBound(t);
  const snap = snapshotBefore(index.snapshots, end);
  const keysFrom = table.upperBound(t - RECENT_KEYS_MS);
  let from = Math.min(snap.at, keysFrom);
  for (const e of snap.terminals.values()) if (e.stale) from = Math.min(from, e.snap.at);
  const records = await table.read(from, end);

  // A terminal is rebuilt when it changed after its snapshot; the others are served as the snapshot has them.
  const startOf = new Map<string, number>();
  for (const [ptyId, e] of snap.terminals) if (e.stale) startOf.set(ptyId, e.snap.at);
  for (let i = Math.max(snap.at, from) - from; i < records.length; i++) {
    const r = records[i]!;
    const ptyId = ptyIdOf(r);
    if (ptyId && r.kind !== 'pty.input' && !startOf.has(ptyId)) startOf.set(ptyId, snap.terminals.get(ptyId)?.snap.at ?? snap.at);
  }

  const state = new ReplayState(new FileStates(new Map(snap.files)));
  state.activeFile = snap.activeFile;
  const untouched = new Map<string, TerminalSnapshot>();
  for (const [ptyId, e] of snap.terminals) {
    if (!startOf.has(ptyId)) {
      untouched.set(ptyId, e.snap);
      continue;
    }
    const term = HeadlessTerminal.restore(e.snap.cols, e.snap.rows, inflateRawSync(e.snap.serialized).toString('utf8'));
    term.exited = e.snap.exited;
    state.terminals.set(ptyId, term);
  }
  const recentKeys: ReplayFrame['recentKeys'] = [];
  for (let i = 0; i < records.length; i++) {
    const at = from + i;
    const r = records[i]!;
    const ptyId = ptyIdOf(r);
    const start = ptyId && r.kind.startsWith('pty.') ? startOf.get(ptyId) : snap.at;
    if (start !== undefined && at >= start) state.apply(r);
    if (at >= keysFrom) {
      const text = typedText(r);
      if (text !== undefined) recentKeys.push({ t: r.t, text });
    }
  }
  await state.settle();
  return { state, snap, untouched, recentKeys: recentKeys.slice(-RECENT_KEYS_MAX) };
}

/** The frame at time t, for the renderer: terminals serialized, files with their content and hash. */
export async function frameAt(index: ReplayIndex, t: number): Promise<ReplayFrame> {
  const { state, snap, untouched, recentKeys } = await stateAt(index, t);
  try {
    const terminals: ReplayFrame['terminals'] = [];
    for (const ptyId of order(index, snap, state)) {
      const live = state.terminals.get(ptyId);
      if (live) terminals.push({ ptyId, cols: live.cols, rows: live.rows, serialized: live.serialize() });
      else {
        const s = untouched.get(ptyId)!;
        terminals.push({ ptyId, cols: s.cols, rows: s.rows, serialized: inflateRawSync(s.serialized).toString('utf8') });
      }
    }
    const files: ReplayFrame['files'] = [];
    for (const [path, f] of state.files.files) {
      if (f.deleted) continue;
      const sha256 = f.content !== null ? sha256Of(f.content) : (f.sha256 ?? undefined);
      files.push(sha256 ? { path, content: f.content, sha256 } : { path, content: f.content });
    }
    files.sort((a, b) => a.path.localeCompare(b.path));
    return { t, terminals, files, activeFile: state.activeFile, recentKeys };
  } finally {
    state.dispose();
  }
}

function ptyIdOf(r: EventRecord): string | undefined {
  const id = (r.data as { ptyId?: unknown }).ptyId;
  return typeof id === 'string' ? id : undefined;
}

/** The last snapshot taken at or before record `end`. */
function snapshotBefore(snapshots: readonly Snapshot[], end: number): Snapshot {
  let lo = 0;
  let hi = snapshots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (snapshots[mid]!.at <= end) lo = mid;
    else hi = mid - 1;
  }
  return snapshots[lo]!;
}

/** Terminals in the order they opened. */
function order(index: ReplayIndex, snap: Snapshot, state: ReplayState): string[] {
  const present = new Set([...snap.terminals.keys(), ...state.terminals.keys()]);
  const known = index.terminals.map((t) => t.ptyId).filter((id) => present.has(id));
  return [...known, ...[...present].filter((id) => !known.includes(id))];
}
