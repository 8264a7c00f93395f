#!/usr/bin/env node
// Replay bench (issue #3): a synthetic 8-hour attempt, then the time to open it for replay (verify + index) and to
// seek to 50 random moments. Builds the replay service with esbuild into node_modules/.cache first, so it runs with
// plain node:
//   node scripts/bench/replay.mjs [--hours H] [--seeks N] [--dir D]
// Prints `name: value unit (goal ...)` lines.
import { loadSources } from './loadSources.mjs';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { hours: { type: 'string', default: '8' }, seeks: { type: 'string', default: '50' }, dir: { type: 'string', default: tmpdir() } },
});

const mod = await loadSources('replay', `export { EventLog } from './main/node/recorder/EventLog';
      export { ReplayService } from './main/node/replay/ReplayService';
      export { silentLogger } from './main/node/systemClock';`);
const { EventLog, ReplayService, silentLogger } = mod;

const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);
const mib = (n) => (n / 1024 / 1024).toFixed(1);

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
const PROMPT = '\x1b[1;32mexpert@gpu\x1b[0m:\x1b[1;34m~/ws\x1b[0m$ ';

/**
 * The attempt of scripts/bench/trajectory.mjs, with what a replay needs to be realistic: typing at 5 keys/s
 * throughout, alternating 10-minute spells in the terminal (input + echo, a command every ~20 keys with 0.5-8 KiB
 * of coloured output, one in 20 a 64 KiB burst) and in the editor (a file opened with its content, a Monaco change
 * per key, cursor once a second, a save every 2 minutes with the true hash); a GPU sample every 10 s; a score every
 * 20 minutes; a focus change every ~5 minutes.
 */
async function syntheticAttempt(dir, hours) {
  let ms = 0;
  const wall0 = Date.UTC(2025, 0, 1, 9);
  const clock = { monoMs: () => ms, bootId: () => 'bench', wallMs: () => wall0 + ms };
  const random = prng(42);
  const key = generateKeyPairSync('ed25519');
  const log = await EventLog.open({ attemptDir: dir, attemptId: 'bench-8h', key, clock, logger: silentLogger, tuning: { commitIntervalMs: 60_000, checkpointIntervalMs: 60_000 } });
  const end = hours * 3600_000;
  const KEY_MS = 200;
  let text = 'import torch\n\n';
  let version = 1;
  let line = 3;
  let col = 1;
  let nextGpu = 0;
  let nextScore = 20 * 60_000;
  let nextFlush = 5_000;
  let nextCursor = 0;
  let nextSave = 120_000;
  let nextFocus = 300_000;
  let keysInCommand = 0;
  let records = 0;
  const add = (src, kind, data, t) => (log.append(src, kind, data, t), records++);
  add('app', 'app.start', {}, 0);
  add('pty', 'pty.open', { ptyId: 'p1', cols: 120, rows: 32 }, 0);
  add('pty', 'pty.output', { ptyId: 'p1', data: PROMPT }, 1);
  add('editor', 'editor.open', { path: 'train.py', versionId: 1, content: text }, 2);
  for (let t = 0; t < end; t += KEY_MS) {
    ms = t;
    const inTerminal = Math.floor(t / 600_000) % 2 === 0;
    const ch = random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(random() * 26));
    if (inTerminal) {
      if (++keysInCommand >= 20) {
        keysInCommand = 0;
        add('pty', 'pty.input', { ptyId: 'p1', data: '\r' }, t);
        const size = random() < 0.05 ? 64 * 1024 : 512 + Math.floor(random() * 7.5 * 1024);
        for (let left = size; left > 0; left -= 1024) {
          let chunk = '';
          while (chunk.length < Math.min(left, 1024)) chunk += `\x1b[3${1 + Math.floor(random() * 6)}m${WORDS[Math.floor(random() * WORDS.length)]}\x1b[0m ${(random() * 10).toFixed(4)} `;
          add('pty', 'pty.output', { ptyId: 'p1', data: `${chunk}\r\n` }, t + 1);
        }
        add('pty', 'pty.output', { ptyId: 'p1', data: PROMPT }, t + 2);
      } else {
        add('pty', 'pty.input', { ptyId: 'p1', data: ch }, t);
        add('pty', 'pty.output', { ptyId: 'p1', data: ch }, t + 2);
      }
    } else {
      version++;
      const range = { startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col };
      const insert = col >= 80 ? '\n' : ch;
      add('editor', 'editor.change', { path: 'train.py', versionId: version, changes: [{ rangeOffset: text.length, rangeLength: 0, text: insert, range }], isUndo: false, isRedo: false }, t);
      text += insert;
      if (insert === '\n') [line, col] = [line + 1, 1];
      else col++;
      if (t >= nextCursor) {
        nextCursor = t + 1_000;
        add('editor', 'editor.cursor', { path: 'train.py', selections: [{ startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col }] }, t);
      }
      if (t >= nextSave) {
        nextSave = t + 120_000;
        const sha256 = createHash('sha256').update(text).digest('hex');
        add('editor', 'editor.save', { path: 'train.py', sha256, versionId: version }, t);
        add('fs', 'fs.change', { path: 'train.py', size: text.length, sha256 }, t + 5);
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
      add('scorer', 'scorer.result', { id: `s${t}`, score: 4 + random(), message: 'ok', elapsedMs: 45_000 }, t + 1);
    }
    if (t >= nextFlush) {
      nextFlush = t + 60_000;
      await log.flush();
    }
  }
  add('app', 'app.submit', {}, end);
  await log.close();
  return { records, end };
}

async function logBytes(dir) {
  const events = join(dir, 'events');
  let n = 0;
  for (const name of await readdir(events)) if (name.endsWith('.jsonl')) n += (await stat(join(events, name))).size;
  return n;
}

const hours = Number(args.hours);
const dir = await mkdtemp(join(args.dir, 'redesk-bench-replay-'));
try {
  const g0 = performance.now();
  const { records, end } = await syntheticAttempt(dir, hours);
  print('replay.attempt_hours', hours, 'h');
  print('replay.records', records, 'records');
  print('replay.log_mib', mib(await logBytes(dir)), 'MiB');
  print('replay.generate_s', ((performance.now() - g0) / 1000).toFixed(1), 's');

  /** JS heap plus memory outside it (typed arrays, buffers): what the index holds once garbage is collected. */
  const held = () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const heap0 = held();
  const service = new ReplayService({ attemptDir: () => dir, dataDir: dir, logger: silentLogger });
  const o0 = performance.now();
  const info = await service.openReplay(dir);
  const openMs = performance.now() - o0;
  const heap1 = held();
  const index = service.indexOf(info.replayId);
  print('replay.open_s', (openMs / 1000).toFixed(2), 's', 'report: verify + index, once per open');
  print('replay.verify', info.verify.ok ? 'ok' : 'FAILED', '', 'ok');
  print('replay.snapshots', index.snapshots.length, 'checkpoints');
  print('replay.terminal_serializations', `${index.serializations.total} (${index.serializations.inexact} inexact)`, '');
  print('replay.index_memory_mib', mib(heap1 - heap0), 'MiB', `report (${globalThis.gc ? 'after gc' : 'run with --expose-gc for a settled figure'})`);

  const random = prng(7);
  const times = [];
  for (let i = 0; i < Number(args.seeks); i++) {
    const t = Math.floor(random() * end);
    const s0 = performance.now();
    const frame = await service.frame(info.replayId, t);
    times.push(performance.now() - s0);
    if (!frame.terminals.length && t > 10) throw new Error(`no terminal in the frame at ${t}`);
  }
  times.sort((a, b) => a - b);
  print('replay.seek_p50_ms', Math.round(times[Math.floor(times.length / 2)]), 'ms', '< 500');
  print('replay.seek_max_ms', Math.round(times[times.length - 1]), 'ms', '< 500');
  const r0 = performance.now();
  const page = await service.range(info.replayId, end / 2, end / 2 + 60_000);
  print('replay.range_1min_ms', Math.round(performance.now() - r0), 'ms', `report (${page.length} records)`);
  const q0 = performance.now();
  const hits = await service.search(info.replayId, 'optimizer');
  print('replay.search_ms', Math.round(performance.now() - q0), 'ms', `report (${hits.length} hits, limit 200)`);
  const x0 = performance.now();
  const rhits = await service.search(info.replayId, 'loss\\S* 9\\.99', { regex: true });
  print('replay.search_regex_ms', Math.round(performance.now() - x0), 'ms', `report (${rhits.length} hits)`);
} finally {
  if (process.env.KEEP) console.log('kept', dir);
  else await rm(dir, { recursive: true, force: true });
}
