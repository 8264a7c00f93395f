import type { KeyObject } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../common/bundle/manifest';
import { eventsPaths, listSegments } from '../recorder/eventsLayout';
import { LogReader } from '../recorder/LogReader';
import { verifyLog } from '../recorder/verifyLog';

export type TrajectorySummary = NonNullable<Manifest['trajectory']>;

/** The names a bundle may hold under events/: what the recorder writes, nothing else. */
export const EVENTS_ENTRY_RE = /^events\/(meta\.json|checkpoints\.jsonl|events-\d{6}\.jsonl)$/;

/** The trajectory's files as bundle entries, in order: meta.json, the segments, checkpoints.jsonl. */
export async function trajectoryFiles(attemptDir: string): Promise<{ name: string; path: string; size: number }[]> {
  const paths = eventsPaths(attemptDir);
  const names = await readdir(paths.dir).catch(() => [] as string[]);
  if (!names.includes('meta.json')) return [];
  const out: { name: string; path: string; size: number }[] = [];
  const add = async (name: string, path: string) => {
    const st = await lstat(path).catch(() => undefined);
    if (st?.isFile()) out.push({ name: `events/${name}`, path, size: st.size });
  };
  await add('meta.json', paths.meta);
  for (const s of listSegments(paths.dir, names)) await add(s.name, s.path);
  if (names.includes('checkpoints.jsonl')) await add('checkpoints.jsonl', paths.checkpoints);
  return out;
}

/**
 * Verifies an attempt folder's trajectory against the key and names its last record and that record's hash:
 * what the manifest seals, and what a verifier compares. Null when there is no trajectory (no events/meta.json).
 */
export async function summarizeTrajectory(attemptDir: string, publicKey: KeyObject): Promise<TrajectorySummary | null> {
  const names = await readdir(eventsPaths(attemptDir).dir).catch(() => [] as string[]);
  if (!names.includes('meta.json')) return null;
  const v = await verifyLog(attemptDir, { publicKey });
  let head: string | null = null;
  if (v.firstBad?.segment !== 'meta.json') {
    const reader = new LogReader(attemptDir);
    for await (const l of reader.lines()) if (l.record && l.record.seq === v.lastSeq) head = l.hash;
  }
  return {
    records: v.records,
    segments: v.segments,
    lastSeq: v.lastSeq,
    head,
    checkpoints: v.checkpoints,
    lastCheckpointSeq: v.lastCheckpointSeq,
    ok: v.ok,
    ...(v.firstBad ? { problem: { code: v.firstBad.code, message: v.firstBad.message } } : {}),
  };
}

/** Where a trajectory read from a bundle differs from what its manifest sealed, or undefined. */
export function trajectoryDifference(sealed: TrajectorySummary, found: TrajectorySummary): string | undefined {
  for (const k of ['records', 'segments', 'lastSeq', 'head', 'checkpoints', 'lastCheckpointSeq'] as const) {
    if (sealed[k] !== found[k]) return `the manifest seals ${k} ${String(sealed[k])}, the trajectory has ${String(found[k])}`;
  }
  return undefined;
}

export function joinEvents(dir: string, name: string): string {
  return join(dir, ...name.split('/'));
}
