import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../systemClock';
import { Workspace } from '../workspace/Workspace';
import { FileChangeRecorder } from './FileChangeRecorder';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'redesk-fcr-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('FileChangeRecorder', () => {
  it('records path, size and hash of changed files, size only past the limit, nulls for deletions and folders', async () => {
    const got: { data: Record<string, unknown>; t: number }[] = [];
    let now = 5;
    const rec = new FileChangeRecorder({
      workspace: new Workspace(dir, { watch: { forcePolling: true, pollMs: 30, debounceMs: 10 } }),
      record: (data, t) => got.push({ data, t }),
      now: () => now,
      logger: silentLogger,
      hashMaxBytes: 10,
    });
    await rec.start();
    await writeFile(join(dir, 'small.txt'), 'hello');
    await writeFile(join(dir, 'big.bin'), 'x'.repeat(11));
    await mkdir(join(dir, 'sub'));
    await until(() => got.length >= 3);
    await rec.idle();
    const byPath = (p: string) => got.find((g) => g.data.path === p)?.data;
    expect(byPath('small.txt')).toEqual({ path: 'small.txt', kind: 'add', size: 5, sha256: sha('hello') });
    expect(byPath('big.bin')).toEqual({ path: 'big.bin', kind: 'add', size: 11, sha256: null, hashSkipped: true });
    expect(byPath('sub')).toEqual({ path: 'sub', kind: 'addDir', size: null, sha256: null });
    expect(got.every((g) => g.t === 5)).toBe(true);

    now = 9;
    await unlink(join(dir, 'small.txt'));
    await until(() => got.some((g) => g.data.kind === 'unlink'));
    expect(got.at(-1)).toEqual({ data: { path: 'small.txt', kind: 'unlink', size: null, sha256: null }, t: 9 });

    rec.stop();
    const n = got.length;
    await writeFile(join(dir, 'after.txt'), 'no');
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toHaveLength(n);
  });
});
