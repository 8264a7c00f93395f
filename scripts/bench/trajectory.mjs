#!/usr/bin/env node
// Trajectory bench (issue #3): records/s appended with group commit, and the size of a synthetic 8-hour attempt.
// Builds the recorder with esbuild into node_modules/.cache first, so it runs with plain node:
//   node scripts/bench/trajectory.mjs [--records N] [--hours H] [--dir D]
// Prints `name: value unit (goal ...)` lines. The log goes to a temporary folder on the same disk as --dir (default:
// the OS temp folder); fdatasync costs what that disk costs.
import { loadSources } from './loadSources.mjs';
import { writeSyntheticAttempt } from './syntheticAttempt.mjs';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: args } = parseArgs({
  options: { records: { type: 'string', default: '500000' }, hours: { type: 'string', default: '8' }, dir: { type: 'string', default: tmpdir() } },
});

const mod = await loadSources('recorder', `export { EventLog } from './main/node/recorder/EventLog';
      export { verifyLog } from './main/node/recorder/verifyLog';
      export { nodeLogFs } from './main/node/recorder/logFs';
      export { systemClock, silentLogger } from './main/node/systemClock';
      export { seededRandom } from './main/common/seededRandom';`);
const { EventLog, verifyLog, nodeLogFs, systemClock, silentLogger, seededRandom } = mod;

const key = generateKeyPairSync('ed25519');
const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);
const mib = (n) => (n / 1024 / 1024).toFixed(1);

/** A LogFs that counts write and fdatasync calls, to show one write per batch. */
function countingFs() {
  const counts = { writes: 0, syncs: 0 };
  return {
    counts,
    fs: {
      ...nodeLogFs,
      openFile: async (p) => {
        const f = await nodeLogFs.openFile(p);
        return {
          ...f,
          write: (...a) => (counts.writes++, f.write(...a)),
          datasync: () => (counts.syncs++, f.datasync()),
        };
      },
    },
  };
}

async function logBytes(dir) {
  const events = join(dir, 'events');
  const names = (await readdir(events)).filter((n) => n.endsWith('.jsonl')).sort();
  const bufs = await Promise.all(names.map((n) => readFile(join(events, n))));
  return Buffer.concat(bufs);
}

async function appendThroughput(n) {
  const dir = await mkdtemp(join(args.dir, 'redesk-bench-'));
  try {
    const { fs, counts } = countingFs();
    const log = await EventLog.open({ attemptDir: dir, attemptId: 'bench', key, clock: systemClock(), logger: silentLogger, fs });
    let durableEvents = 0;
    log.onDurable(() => durableEvents++);
    // Appends in slices, yielding to the event loop between them so the 250 ms group commit runs while appending,
    // as it would under a real pty: sustained, not one burst flushed at the end.
    const SLICE = 2_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i += SLICE) {
      for (let j = i; j < Math.min(n, i + SLICE); j++) log.append('pty', 'pty.output', { ptyId: 'p1', data: `echo ${j}\r\n` }, j);
      await nextTurn();
    }
    await log.flush();
    const s = (performance.now() - t0) / 1000;
    await log.close();
    print('append.records_per_s', Math.round(n / s), 'records/s', '>= 100000');
    print('append.records', n, 'records');
    print('append.commits', durableEvents, 'batches');
    print('append.writes_per_fdatasync', (counts.writes / counts.syncs).toFixed(2), 'write calls', '1: one write per batch');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * An 8-hour attempt in compressed time (scripts/bench/syntheticAttempt.mjs, shared with the replay bench), with
 * the 5-second checkpoints and flushes the live app makes; then its size, gzip ratio, verify and reopen times.
 */
async function syntheticAttempt(hours) {
  const dir = await mkdtemp(join(args.dir, 'redesk-bench-8h-'));
  try {
    const t0 = performance.now();
    const { records, key, clock } = await writeSyntheticAttempt({ EventLog, silentLogger, seededRandom, dir, hours, checkpointIntervalMs: 5_000, flushEveryMs: 5_000 });
    const genS = (performance.now() - t0) / 1000;
    const events = await logBytes(dir);
    const cpBytes = (await stat(join(dir, 'events', 'checkpoints.jsonl'))).size;
    const total = events.length + cpBytes;
    const gz = gzipSync(events).length;
    print('attempt8h.hours', hours, 'h of attempt time');
    print('attempt8h.records', records, 'records');
    print('attempt8h.log_bytes_per_hour', mib(total / hours), 'MiB/h', 'report');
    print('attempt8h.checkpoint_bytes_per_hour', (cpBytes / hours / 1024).toFixed(0), 'KiB/h', 'report');
    print('attempt8h.gzip_ratio', (events.length / gz).toFixed(1), 'x', 'report');
    print('attempt8h.gzip_bytes_per_hour', mib(gz / hours), 'MiB/h', 'report');
    print('attempt8h.generate_s', genS.toFixed(1), 's');
    const v0 = performance.now();
    const v = await verifyLog(dir);
    print('attempt8h.verify_s', ((performance.now() - v0) / 1000).toFixed(2), 's', v.ok ? 'log verifies' : `FAILED ${JSON.stringify(v.firstBad)}`);
    const r0 = performance.now();
    const reopened = await EventLog.open({ attemptDir: dir, attemptId: 'bench-8h', key, clock, logger: silentLogger });
    await reopened.close();
    print('attempt8h.reopen_ms', Math.round(performance.now() - r0), 'ms', 'reads about one segment');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const started = performance.now();
await appendThroughput(Number(args.records));
await syntheticAttempt(Number(args.hours));
print('bench.total_s', ((performance.now() - started) / 1000).toFixed(1), 's', '< 60');
