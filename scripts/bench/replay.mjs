#!/usr/bin/env node
// Replay bench (issue #3): a synthetic 8-hour attempt, then the time to open it for replay (verify + index) and to
// seek to 50 random moments. Builds the replay service with esbuild into node_modules/.cache first, so it runs with
// plain node:
//   node scripts/bench/replay.mjs [--hours H] [--seeks N] [--dir D]
// Prints `name: value unit (goal ...)` lines.
import { bundleEntry, loadSources } from './loadSources.mjs';
import { writeSyntheticAttempt } from './syntheticAttempt.mjs';

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { hours: { type: 'string', default: '8' }, seeks: { type: 'string', default: '50' }, dir: { type: 'string', default: tmpdir() } },
});

const mod = await loadSources('replay', `export { EventLog } from './main/node/recorder/EventLog';
      export { ReplayService } from './main/node/replay/ReplayService';
      export { silentLogger } from './main/node/systemClock';
      export { seededRandom } from './main/common/seededRandom';`);
const { EventLog, ReplayService, silentLogger, seededRandom } = mod;

const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);
const mib = (n) => (n / 1024 / 1024).toFixed(1);

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
  const { records, end } = await writeSyntheticAttempt({ EventLog, silentLogger, seededRandom, dir, hours });
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
  // Verification on this thread (no worker entry) first, for comparison; then as the host does it, in its worker.
  const inline = new ReplayService({ attemptDir: () => dir, dataDir: dir, logger: silentLogger, verifyWorkerEntry: join(dir, 'no-worker.js') });
  const i0 = performance.now();
  const inlineInfo = await inline.openReplay(dir);
  const inlineMs = performance.now() - i0;
  if (!inlineInfo.verify.ok) throw new Error('the bench attempt did not verify');
  await inline.close(inlineInfo.replayId);
  inline.dispose();
  const verifyWorkerEntry = await bundleEntry('verifyWorker', 'main/node/recorder/verifyWorkerMain.ts');
  const heap0 = held();
  const service = new ReplayService({ attemptDir: () => dir, dataDir: dir, logger: silentLogger, verifyWorkerEntry });
  const o0 = performance.now();
  const info = await service.openReplay(dir);
  const openMs = performance.now() - o0;
  const heap1 = held();
  const index = service.indexOf(info.replayId);
  print('replay.open_s', (openMs / 1000).toFixed(2), 's', 'report: index here, verify in a worker thread, once per open');
  print('replay.open_inline_verify_s', (inlineMs / 1000).toFixed(2), 's', `report: both on one thread; ${(inlineMs / openMs).toFixed(2)}x the worker's time`);
  print('replay.verify', info.verify.ok ? 'ok' : 'FAILED', '', 'ok');
  print('replay.snapshots', index.snapshots.length, 'checkpoints');
  print('replay.terminal_serializations', `${index.serializations.total} (${index.serializations.inexact} inexact)`, '');
  print('replay.index_memory_mib', mib(heap1 - heap0), 'MiB', `report (${globalThis.gc ? 'after gc' : 'run with --expose-gc for a settled figure'})`);

  const random = seededRandom(7);
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
