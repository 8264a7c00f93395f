#!/usr/bin/env node
// Path-patching bench (issue #5): a full sweep (every sender into every receiver) on the trained attention-only model
// at 64 positions, timed through the patching worker as the app runs it, and as a ratio to the naive method (one
// full forward pass per sender-receiver pair, batch 1) measured in the same run.
//   node scripts/bench/patching.mjs [--model resources/models/attn_only_2l] [--positions 64] [--runs 5] [--threads 2]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleEntry, loadSources, root } from './loadSources.mjs';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'resources/models/attn_only_2l') },
    positions: { type: 'string', default: '64' },
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
  },
});
const lib = await loadSources(
  'patching',
  `export { PatchEngine } from './main/node/patching/engine/PatchEngine';
   export { seededRandom } from './main/common/seededRandom';
   export { loadModelDir } from './main/node/patching/model';`,
);
const workerEntry = await bundleEntry('patchWorker', 'main/node/patching/engine/patchWorkerMain.ts');
const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);

const model = await lib.loadModelDir(resolve(args.model));
const T = Number(args.positions);
const threads = Number(args.threads);
const vocab = model.spec.tokenizer.kind === 'vocab' ? model.spec.tokenizer.tokens : null;
if (!vocab) throw new Error('the bench builds prompts from a vocab tokenizer');
// Clean: a random segment repeated (induction has something to do); corrupt: other random tokens.
const rand = lib.seededRandom(5);
const pick = () => vocab[Math.floor(rand() * vocab.length)];
const seg = Array.from({ length: T / 2 }, pick);
const corrupt = Array.from({ length: T }, pick);
const req = { pairs: [{ clean: [...seg, ...seg].join(' '), corrupt: corrupt.join(' '), answers: [seg[0], corrupt[0] === seg[0] ? vocab.find((t) => t !== seg[0]) : corrupt[0]] }], metric: 'logit-diff' };

const engine = new lib.PatchEngine(model, { workerEntry, threads });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const first = await engine.sweep(req); // opens the sessions
  await engine.naiveSweep(req);
  // Interleaved, so that load from other processes falls on both methods alike; min and median of each.
  const sweepMs = [];
  const naiveMs = [];
  const calls = { sweep: 0, naive: 0 };
  let busy = 0;
  for (let i = 0; i < Number(args.runs); i++) {
    let [c0, b0, t0] = [engine.runner.calls, engine.runner.busyMs, performance.now()];
    await engine.sweep(req);
    sweepMs.push(performance.now() - t0);
    calls.sweep = engine.runner.calls - c0;
    busy += engine.runner.busyMs - b0;
    [c0, t0] = [engine.runner.calls, performance.now()];
    await engine.naiveSweep(req);
    naiveMs.push(performance.now() - t0);
    calls.naive = engine.runner.calls - c0;
  }
  const cells = first.cells.flat().filter((c) => c !== null).length;
  const fmt = (xs) => `min ${Math.min(...xs).toFixed(0)} ms, median ${median(xs).toFixed(0)} ms`;
  console.log(`model ${model.spec.name}: ${model.spec.layers} layers × ${model.spec.heads} heads, dModel ${model.spec.dModel}; ${T} positions; ${cells} cells; ${sweepMs.length} runs each; ORT ${threads} threads in the worker, provider ${engine.runner.provider()}`);
  print('full sweep, batched', fmt(sweepMs), `(${calls.sweep} ONNX calls, ${(busy / sweepMs.length).toFixed(0)} ms in them)`, '< 1000 ms on 2 cores');
  print('full sweep, naive (one forward pass per cell)', fmt(naiveMs), `(${calls.naive} ONNX calls)`);
  print('speed-up over naive', `${(Math.min(...naiveMs) / Math.min(...sweepMs)).toFixed(1)} (min/min), ${(median(naiveMs) / median(sweepMs)).toFixed(1)} (median/median)`, '×', '≥ 10×');
} finally {
  await engine.close();
}
