/**
 * Correctness (issue #3): replaying the editor events from the starting files reproduces each saved file exactly,
 * hash equal at every save, through multi-cursor edits, undo, redo and flushes. The events come from Monaco's own
 * text buffer, driven as the editor drives it.
 */
import { hash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../systemClock';
import { openTestLog, tempDir, testKey } from '../recorder/testKit';
import { ReplayService } from './ReplayService';
import type { SnapshotTuning } from './Snapshotter';
import { MonacoBuffer, type ChangeEventData } from './testdata/MonacoBuffer';
import { int, pick, prng } from './testdata/prng';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('redesk-replay-')));
afterEach(() => cleanup());

const sha = (s: string) => hash('sha256', s, 'hex');

const STARTERS: Record<string, string> = {
  'solution.py': 'import numpy as np\n\n\ndef prefix_sum(x, mask):\n    out = np.zeros_like(x)\n    acc = 0\n    for i in range(len(x)):\n        if mask[i]:\n            acc += x[i]\n        out[i] = acc\n    return out\n',
  'notes.md': '# Notes\n\n- first idea: cumsum with where\n',
};
const WORDS = ['np', 'cumsum', 'where', 'mask', ' ', '\n', '    ', 'return', '(x)', '# é ✓ 你好', '\t', '😀'];

interface Save {
  t: number;
  path: string;
  sha256: string;
}

function service(snapshots: Partial<SnapshotTuning> = { everyMs: 5_000 }): ReplayService {
  return new ReplayService({ attemptDir: () => dir, dataDir: dir, logger: silentLogger, snapshots });
}

/** Non-overlapping [start, end) ranges at k random places, for a multi-cursor edit. */
function cursors(random: () => number, length: number, k: number, maxLen: number): { start: number; end: number }[] {
  const starts = [...new Set(Array.from({ length: k }, () => int(random, 0, length)))].sort((a, b) => a - b);
  return starts.map((start, i) => ({ start, end: Math.min(start + int(random, 0, maxLen), starts[i + 1] ?? length) }));
}

/** A seeded editing session over two files; returns the saves with the true text's hash. */
async function recordSession(seed: number, steps: number): Promise<{ saves: Save[]; buffers: Map<string, MonacoBuffer>; endT: number }> {
  const random = prng(seed);
  const log = await openTestLog(dir, testKey());
  const buffers = new Map(Object.entries(STARTERS).map(([p, text]) => [p, new MonacoBuffer(p, text)]));
  const saves: Save[] = [];
  let t = 0;
  const at = () => (t += int(random, 50, 400));
  for (const [path, text] of Object.entries(STARTERS)) {
    log.append('editor', 'editor.open', { path, versionId: 1, sha256: sha(text), content: text } as never, at());
  }
  const change = (e: ChangeEventData | undefined) => e && log.append('editor', 'editor.change', e as never, at());
  for (let i = 0; i < steps; i++) {
    const b = buffers.get(pick(random, Object.keys(STARTERS)))!;
    const p = random();
    if (p < 0.35) {
      const o = int(random, 0, b.length);
      change(b.edit([{ start: o, end: o, text: pick(random, WORDS) }]));
    } else if (p < 0.5) {
      // Several cursors typing the same text, or each deleting a little (Ctrl+D / Alt+click in Monaco).
      const text = random() < 0.5 ? pick(random, WORDS) : '';
      change(b.edit(cursors(random, b.length, int(random, 2, 5), text ? 0 : 3).map((r) => ({ ...r, text }))));
    } else if (p < 0.6) {
      const start = int(random, 0, b.length);
      change(b.edit([{ start, end: Math.min(b.length, start + int(random, 1, 40)), text: random() < 0.5 ? '' : 'line one\nline two\n' }]));
    } else if (p < 0.75) {
      for (let n = int(random, 1, 3); n > 0; n--) change(b.undo());
    } else if (p < 0.85) {
      for (let n = int(random, 1, 2); n > 0; n--) change(b.redo());
    } else if (p < 0.88) {
      change(b.setValue(`${b.text.slice(0, b.length >> 1)}\n# reloaded from disk\n`));
    } else {
      const s = sha(b.text);
      const t0 = at();
      log.append('editor', 'editor.save', { path: b.path, sha256: s }, t0);
      saves.push({ t: t0, path: b.path, sha256: s });
    }
  }
  await log.close();
  return { saves, buffers, endT: t };
}

describe('editor replay', () => {
  it('reproduces every saved file exactly, at every save (multi-cursor, undo, redo, flush)', async () => {
    const { saves, buffers, endT } = await recordSession(7, 1500);
    expect(saves.length).toBeGreaterThan(50);
    const s = service();
    const info = await s.openReplay(dir);
    expect(info.verify.ok).toBe(true);
    expect(info.files).toEqual(['notes.md', 'solution.py']);
    const index = s.indexOf(info.replayId);
    expect(index.saves).toEqual({ total: saves.length, mismatched: 0 });
    expect(index.snapshots.length).toBeGreaterThan(20);
    for (const save of saves) {
      const frame = await s.frame(info.replayId, save.t);
      const file = frame.files.find((f) => f.path === save.path)!;
      expect(file.sha256, `${save.path} at t=${save.t}`).toBe(save.sha256);
      expect(sha(file.content!)).toBe(save.sha256);
    }
    const end = await s.frame(info.replayId, endT);
    for (const [path, b] of buffers) expect(end.files.find((f) => f.path === path)!.content).toBe(b.text);
  });

  it('gives the same files from a snapshot as from the start of the log', async () => {
    const { endT } = await recordSession(11, 600);
    const withSnaps = service();
    const fromStart = service({ everyMs: Infinity });
    const a = await withSnaps.openReplay(dir);
    const b = await fromStart.openReplay(dir);
    // The first checkpoint, and the last (at the end of the log).
    expect(fromStart.indexOf(b.replayId).snapshots).toHaveLength(2);
    const random = prng(3);
    for (let i = 0; i < 40; i++) {
      const t = Math.floor(random() * endT);
      const [fa, fb] = await Promise.all([withSnaps.frame(a.replayId, t), fromStart.frame(b.replayId, t)]);
      expect(fa.files).toEqual(fb.files);
      expect(fa.activeFile).toBe(fb.activeFile);
    }
  });

  it('knows a file changed outside the editor only by its hash, until it is opened again', async () => {
    const log = await openTestLog(dir, testKey());
    log.append('editor', 'editor.open', { path: 'a.py', content: 'x = 1\n' } as never, 10);
    log.append('editor', 'editor.save', { path: 'a.py', sha256: sha('x = 1\n') }, 20);
    log.append('fs', 'fs.change', { path: 'a.py', size: 6, sha256: sha('x = 1\n') }, 21); // our own save echoed back
    log.append('fs', 'fs.change', { path: 'b.py', size: 3, sha256: sha('b\n') }, 30);
    log.append('fs', 'fs.change', { path: 'a.py', size: 6, sha256: sha('x = 2\n') }, 40); // a script rewrote it
    log.append('editor', 'editor.open', { path: 'a.py', content: 'x = 2\n' } as never, 50);
    log.append('fs', 'fs.change', { path: 'b.py', size: null, sha256: null }, 60);
    await log.close();
    const s = service();
    const { replayId } = await s.openReplay(dir);
    const files = async (t: number) => (await s.frame(replayId, t)).files;
    expect(await files(25)).toEqual([{ path: 'a.py', content: 'x = 1\n', sha256: sha('x = 1\n') }]);
    expect(await files(45)).toEqual([
      { path: 'a.py', content: null, sha256: sha('x = 2\n') },
      { path: 'b.py', content: null, sha256: sha('b\n') },
    ]);
    expect((await files(60)).map((f) => [f.path, f.content])).toEqual([['a.py', 'x = 2\n']]);
  });
});
