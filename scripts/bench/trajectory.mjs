#!/usr/bin/env node
// Trajectory bench (issue #3): records/s appended with group commit, and the size of a synthetic 8-hour attempt.
// Builds the recorder with esbuild into node_modules/.cache first, so it runs with plain node:
//   node scripts/bench/trajectory.mjs [--records N] [--hours H] [--dir D]
// Prints `name: value unit (goal ...)` lines. The log goes to a temporary folder on the same disk as --dir (default:
// the OS temp folder); fdatasync costs what that disk costs.
import { loadSources } from './loadSources.mjs';
import { generateKeyPairSync, createHash } from 'node:crypto';
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
      export { systemClock, silentLogger } from './main/node/systemClock';`);
const { EventLog, verifyLog, nodeLogFs, systemClock, silentLogger } = mod;

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

/** A clock the generator moves: attempt time, and wall time 1:1 with it. */
function simClock() {
  let ms = 0;
  const wall0 = Date.UTC(2025, 0, 1, 9);
  return { monoMs: () => ms, bootId: () => 'bench', wallMs: () => wall0 + ms, set: (t) => (ms = t) };
}

/** Deterministic pseudo-random numbers (mulberry32), so every run writes the same attempt. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let x = seed;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'import torch model train loss optimizer step batch grad lr scheduler for in range print def return self x y'.split(' ');

/**
 * An 8-hour attempt in compressed time: typing at 5 keys/s throughout, alternating 10-minute spells in the terminal
 * (input + echo, a command every ~20 keys with 0.5-8 KiB of output, one in 20 a 64 KiB burst) and in the editor
 * (a Monaco change per key, cursor once a second, a save every 2 minutes); a GPU sample every 10 s; a score every
 * 20 minutes; a focus change every ~5 minutes; checkpoints every 5 s of attempt time.
 */
async function syntheticAttempt(hours) {
  const dir = await mkdtemp(join(args.dir, 'redesk-bench-8h-'));
  try {
    const clock = simClock();
    const random = prng(42);
    const log = await EventLog.open({ attemptDir: dir, attemptId: 'bench-8h', key, clock, logger: silentLogger, tuning: { commitIntervalMs: 60_000, checkpointIntervalMs: 5_000 } });
    const end = hours * 3600_000;
    const KEY_MS = 200; // 5 keys/s
    let version = 1;
    let offset = 0;
    let line = 1;
    let col = 1;
    let nextGpu = 0;
    let nextScore = 20 * 60_000;
    let nextCheckpoint = 5_000;
    let nextCursor = 0;
    let nextSave = 120_000;
    let nextFocus = 300_000;
    let keysInCommand = 0;
    let records = 0;
    const add = (src, kind, data, t) => (log.append(src, kind, data, t), records++);
    const t0 = performance.now();
    for (let t = 0; t < end; t += KEY_MS) {
      clock.set(t);
      const inTerminal = Math.floor(t / 600_000) % 2 === 0;
      const ch = random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(random() * 26));
      if (inTerminal) {
        if (++keysInCommand >= 20) {
          keysInCommand = 0;
          add('pty', 'pty.input', { ptyId: 'p1', data: '\r' }, t);
          const size = random() < 0.05 ? 64 * 1024 : 512 + Math.floor(random() * 7.5 * 1024);
          for (let left = size; left > 0; left -= 1024) {
            let chunk = '';
            while (chunk.length < Math.min(left, 1024)) chunk += `${WORDS[Math.floor(random() * WORDS.length)]} ${(random() * 10).toFixed(4)} `;
            add('pty', 'pty.output', { ptyId: 'p1', data: `${chunk.slice(0, Math.min(left, 1024))}\r\n` }, t + 1);
          }
        } else {
          add('pty', 'pty.input', { ptyId: 'p1', data: ch }, t);
          add('pty', 'pty.output', { ptyId: 'p1', data: ch }, t + 2);
        }
      } else {
        version++;
        const range = { startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col };
        add('editor', 'editor.change', { path: 'train.py', versionId: version, changes: [{ rangeOffset: offset, rangeLength: 0, text: ch, range }], isUndo: false, isRedo: false }, t);
        offset++;
        if (++col > 80) [line, col] = [line + 1, 1];
        if (t >= nextCursor) {
          nextCursor = t + 1_000;
          add('editor', 'editor.cursor', { path: 'train.py', selections: [{ startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col }] }, t);
        }
        if (t >= nextSave) {
          nextSave = t + 120_000;
          const sha256 = createHash('sha256').update(String(version)).digest('hex');
          add('editor', 'editor.save', { path: 'train.py', sha256, versionId: version }, t);
          add('fs', 'fs.change', { path: 'train.py', size: offset, sha256 }, t + 5);
        }
      }
      if (t >= nextGpu) {
        nextGpu = t + 10_000;
        add('os', 'os.gpu', { gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', utilization: Math.round(random() * 100), memoryUsedMiB: Math.round(random() * 80_000), memoryTotalMiB: 81_559 }] }, t);
      }
      if (t >= nextFocus) {
        nextFocus = t + 300_000;
        add('app', 'app.blur', {}, t);
        add('app', 'app.focus', {}, t + 3_000);
      }
      if (t >= nextScore) {
        nextScore = t + 20 * 60_000;
        add('scorer', 'scorer.request', { id: `s${t}` }, t);
        add('scorer', 'scorer.result', { id: `s${t}`, score: 4 + random(), message: 'ok', elapsedMs: 45_000, details: { runtime_s: 120 } }, t + 1);
        await log.flush(); // a state change
      }
      if (t >= nextCheckpoint) {
        nextCheckpoint = t + 5_000;
        await log.flush(); // what the 5 s checkpoint does in real time
      }
    }
    await log.close();
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
