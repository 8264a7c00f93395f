/**
 * Kill the browser-mode host mid-attempt and start it again: the attempt is there, its clock kept its value
 * (within a second), nothing in the score log is lost, and the trajectory verifies with the gap marked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteApi } from '../../main/cli/RemoteApi';
import type { RedeskApi } from '../../main/common/api';
import type { EventRecord } from '../../main/common/events/record';
import { LogReader } from '../../main/node/recorder/LogReader';
import { verifyLog } from '../../main/node/recorder/verifyLog';
import { bin, root, startHost as startServe, type Host } from '../support/host';

const children: ChildProcess[] = [];

async function startHost(dataDir: string): Promise<Host> {
  const h = await startServe(dataDir);
  children.push(h.child);
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Types into a new terminal and waits until the output is recorded and on disk (what "saved" promises). */
async function typeAndWaitDurable(api: RedeskApi, attemptId: string, text: string, expect: string): Promise<EventRecord> {
  const { ptyId } = await api.ptyCreate(attemptId, { cols: 80, rows: 24 });
  await api.ptyInput(ptyId, text);
  const rec = await poll(async () => (await api.logTail(attemptId, { limit: 500 })).find((r) => r.kind === 'pty.output' && String(r.data.data).includes(expect)), `"${expect}" in the log`);
  await poll(async () => ((await api.logStatus(attemptId)).durableSeq >= rec.seq ? true : undefined), `seq ${rec.seq} on disk`);
  return rec;
}

async function records(dir: string): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const r of new LogReader(dir).records()) out.push(r);
  return out;
}

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
    const typed = await typeAndWaitDurable(remote.api, a.id, 'echo before-$((40+2))\r', 'before-42');
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

    // The trajectory: everything reported durable survived the kill, the chain verifies, and the gap is marked
    // with the wall time the host was down (3 s, plus the time to start again) at the attempt time it stopped at.
    const v = await verifyLog(a.dir);
    expect(v.ok, JSON.stringify(v.firstBad)).toBe(true);
    const rs = await records(a.dir);
    expect(rs[typed.seq]).toEqual(typed);
    const recovered = rs.filter((r) => r.kind === 'app.recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.seq).toBeGreaterThan(typed.seq);
    expect(recovered[0]!.data.clean).toBe(false); // the host was killed, not closed
    expect(recovered[0]!.data.gapWallMs).toBeGreaterThanOrEqual(3000);
    expect(recovered[0]!.data.gapWallMs).toBeLessThan(30_000);
    expect(Math.abs(recovered[0]!.t - before.elapsedMs)).toBeLessThan(1000);
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
