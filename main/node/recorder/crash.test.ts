import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../common/events/record';
import { LogReader } from './LogReader';
import { tempDir } from './testKit';
import { verifyLog } from './verifyLog';

/** The issue asks for at least 20 kills in the suite; each run is short. REDESK_CRASH_RUNS=500 makes it a soak. */
const RUNS = Math.max(20, Number(process.env.REDESK_CRASH_RUNS ?? 24));
const root = join(import.meta.dirname, '..', '..', '..');
const typist = join(root, 'node_modules', '.cache', 'redesk-test', 'typist.mjs');
const SEED = Number(process.env.REDESK_CRASH_SEED ?? Date.now() % 1_000_000);

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'testdata', 'typist.ts')],
    outfile: typist,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  ({ dir, cleanup } = await tempDir('redesk-crash-'));
});
afterAll(() => cleanup?.());

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface RunResult {
  durable?: { seq: number; hash: string };
  ready: boolean;
  stderr: string;
}

/** Starts the typist and SIGKILLs it after `afterReadyMs` (or `afterSpawnMs` from the start, to hit recovery itself). */
function runOnce(run: number, kill: { afterReadyMs?: number; afterSpawnMs?: number }): Promise<RunResult> {
  const attemptDir = join(dir, 'attempt');
  const child = spawn(process.execPath, [typist, attemptDir, join(dir, 'data'), String(run), String(SEED + run)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const result: RunResult = { ready: false, stderr: '' };
  let buffered = '';
  const killNow = () => child.kill('SIGKILL');
  if (kill.afterSpawnMs !== undefined) setTimeout(killNow, kill.afterSpawnMs);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const [what, a, b] = buffered.slice(0, nl).split(' ');
      buffered = buffered.slice(nl + 1);
      if (what === 'ready') {
        result.ready = true;
        if (kill.afterReadyMs !== undefined) setTimeout(killNow, kill.afterReadyMs);
      } else if (what === 'durable') result.durable = { seq: Number(a), hash: b! };
    }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (result.stderr += c));
  return new Promise((resolve) => child.on('close', () => resolve(result)));
}

describe('crash safety', () => {
  it(`keeps every record reported durable through ${RUNS} SIGKILLs (seed ${SEED})`, { timeout: 60_000 + RUNS * 1_000 }, async () => {
    const random = rng(SEED);
    const attemptDir = join(dir, 'attempt');
    let promised: { seq: number; hash: string } | undefined;
    let kills = 0;
    for (let run = 0; run < RUNS; run++) {
      // Most runs die while typing; every fourth dies at a random moment from its start (node takes ~200 ms to get
      // going), so some die inside recovery itself.
      const kill = run % 4 === 3 ? { afterSpawnMs: 100 + random() * 300 } : { afterReadyMs: 20 + random() * 200 };
      const r = await runOnce(run, kill);
      kills++;
      expect(r.stderr, `run ${run} wrote to stderr`).toBe('');
      if (r.durable && (!promised || r.durable.seq > promised.seq)) promised = r.durable;
      if (!promised) continue;

      const v = await verifyLog(attemptDir);
      expect(v.firstBad, `run ${run}, seed ${SEED}`).toBeUndefined();
      expect(v.lastSeq).toBeGreaterThanOrEqual(promised.seq);
      const reader = new LogReader(attemptDir);
      let found: string | undefined;
      for await (const l of reader.lines()) if (l.record?.seq === promised.seq) found = l.hash;
      expect(found, `record ${promised.seq} was reported durable by run ${run}`).toBe(promised.hash);
    }
    expect(kills).toBeGreaterThanOrEqual(20);

    // One last clean open: recovery must accept whatever the last kill left.
    const last = await runOnce(RUNS, { afterReadyMs: 30 });
    expect(last.ready).toBe(true);

    // Every switch from one run's typing to the next has an app.recovered between, and time never goes back.
    const records: EventRecord[] = [];
    for await (const rec of new LogReader(attemptDir).records()) records.push(rec);
    let lastRun: string | undefined;
    let recoveredSince = false;
    let prevT = 0;
    let recoveredCount = 0;
    for (const rec of records) {
      expect(rec.t).toBeGreaterThanOrEqual(prevT);
      if (rec.kind === 'app.recovered') {
        recoveredSince = true;
        recoveredCount++;
        expect(rec.t).toBe(prevT); // the clock resumes where the log stopped
        expect(rec.data.gapWallMs as number).toBeGreaterThanOrEqual(0);
      }
      prevT = rec.t;
      const runId = rec.src === 'pty' ? String(rec.data.ptyId) : undefined;
      if (runId && runId !== lastRun) {
        if (lastRun !== undefined) expect(recoveredSince, `no app.recovered between ${lastRun} and ${runId}`).toBe(true);
        lastRun = runId;
        recoveredSince = false;
      }
    }
    expect(recoveredCount).toBeGreaterThanOrEqual(new Set(records.filter((r) => r.src === 'pty').map((r) => r.data.ptyId)).size - 1);
    expect((await verifyLog(attemptDir)).ok).toBe(true);
  });
});
