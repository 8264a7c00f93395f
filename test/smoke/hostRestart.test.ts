/**
 * Kill the browser-mode host mid-attempt and start it again: the attempt is there, its clock kept its value
 * (within a second), and nothing in the score log is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteApi } from '../../main/cli/RemoteApi';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');
const children: ChildProcess[] = [];

function startHost(dataDir: string): Promise<{ child: ChildProcess; port: number; token: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--no-open', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /open http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), token: m[2]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`host exited ${code}: ${err}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('host killed mid-attempt', () => {
  it('keeps the attempt, its clock and its score log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-restart-'));
    const first = await startHost(dataDir);
    const remote = await connectRemoteApi(first.port, first.token);
    const a = await remote.api.attemptStart('prefix_sum_mini');
    cpSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'), join(a.workspace, 'solution.py'));
    const row = await remote.api.attemptScore(a.id);
    expect(row.score).toEqual(expect.any(Number));
    await sleep(1500);
    const before = await remote.api.attemptStatus(a.id);
    remote.close();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await sleep(3000);

    const second = await startHost(dataDir);
    const remote2 = await connectRemoteApi(second.port, second.token);
    const after = await remote2.api.attemptStatus(a.id);
    expect(after.state).toBe('running');
    // The 3 s the host was down are not counted, and what was counted before the kill is kept.
    expect(Math.abs(after.elapsedMs - before.elapsedMs)).toBeLessThan(1000);
    expect(after.scores.map((s) => s.score)).toEqual([row.score]);
    const log = readFileSync(join(a.dir, 'scores.jsonl'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(1);
    // The clock runs again under the new host.
    await sleep(1200);
    expect((await remote2.api.attemptStatus(a.id)).elapsedMs).toBeGreaterThan(after.elapsedMs + 900);
    remote2.close();
    second.child.kill('SIGTERM');
  }, 240_000);

  it('refuses a second host on the same data directory with DATA_DIR_LOCKED', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-lock-'));
    await startHost(dataDir);
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [bin, 'serve', '--no-open', '--data-dir', dataDir], { cwd: root });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      c.on('exit', (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('DATA_DIR_LOCKED');
  }, 60_000);
});
