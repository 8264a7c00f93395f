import { join } from 'node:path';

/** `events-000001.jsonl`: six digits sort as text and hold a million segments (16 TiB at the default size). */
const SEGMENT_RE = /^events-(\d{6})\.jsonl$/;

export interface SegmentRef {
  /** 1, 2, … */
  index: number;
  name: string;
  path: string;
}

/** Where an attempt's trajectory lives: `<attemptDir>/events/{meta.json, checkpoints.jsonl, events-NNNNNN.jsonl}`. */
export function eventsPaths(attemptDir: string): { dir: string; meta: string; checkpoints: string } {
  const dir = join(attemptDir, 'events');
  return { dir, meta: join(dir, 'meta.json'), checkpoints: join(dir, 'checkpoints.jsonl') };
}

export function segmentRef(eventsDir: string, index: number): SegmentRef {
  const name = `events-${String(index).padStart(6, '0')}.jsonl`;
  return { index, name, path: join(eventsDir, name) };
}

/** The segment files among names, in order. */
export function listSegments(eventsDir: string, names: readonly string[]): SegmentRef[] {
  const out: SegmentRef[] = [];
  for (const name of names) {
    const m = SEGMENT_RE.exec(name);
    if (m) out.push(segmentRef(eventsDir, Number(m[1])));
  }
  return out.sort((a, b) => a.index - b.index);
}
