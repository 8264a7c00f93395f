#!/usr/bin/env node
// The hand-built induction model: its weights are written by this code (no training), so its circuit is known and
// serves as the ground truth of the path-patching tests.
//
//   node scripts/models/handBuiltInduction.mjs [--out resources/models/induction_handbuilt] [--weights-dir <dir>]
//
// Writes TransformerLens-style weights.safetensors + vocab.txt (to --weights-dir, default a temporary folder) and
// imports them with the same importer as `redesk model import <weights> --arch tlens --vocab vocab.txt`. Takes a
// second or two; deterministic (no randomness), so the output is the same byte for byte on every run.
//
// The model: attention only, 2 layers × 2 heads, no layer norm, vocab = the 16 letters a–p, context 32,
// dHead = 32, dModel = context + 3·vocab = 80, the residual stream split into four one-hot subspaces:
//   tok  [0, 16)   the current token            (written by the embedding)
//   pos  [16, 48)  the position                 (written by the positional embedding)
//   prev [48, 64)  the previous token           (written by L0H0)
//   ans  [64, 80)  the predicted next token     (written by L1H0, read by the unembedding)
// L0H0, previous-token head: Q reads position p, K reads position k as k+1, so the query at p attends to p−1;
//   V reads the token, O writes it into prev.
// L1H0, induction head: Q reads the current token, K reads prev (the token before the key), so a query attends to
//   the position after an earlier occurrence of its own token; V reads that position's token, O writes it into ans.
//   Key position 0 is kept out of the match (its prev slot holds its own token, as L0H0 can only attend to itself).
// L0H1 and L1H1 are weak distractors: L0H1 attends uniformly, L1H1 to itself; both copy the token into ans ×0.05.
// Scores are scaled so the softmax is sharp (a margin of 20 after the 1/√dHead scaling).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSources, root } from '../bench/loadSources.mjs';

const { values: args } = parseArgs({ options: { out: { type: 'string' }, 'weights-dir': { type: 'string' } } });
const out = resolve(args.out ?? join(root, 'resources/models/induction_handbuilt'));
const weightsDir = resolve(args['weights-dir'] ?? mkdtempSync(join(tmpdir(), 'redesk-handbuilt-')));

const VOCAB = 'abcdefghijklmnop'.split('');
const V = VOCAB.length;
const CTX = 32;
const D = CTX + 3 * V;
const DH = 32;
const H = 2;
const TOK = 0;
const POS = V;
const PREV = V + CTX;
const ANS = V + CTX + V;
const MARGIN = 20;
// Q and K entries of this size give a score of MARGIN after the graph's 1/√dHead scaling.
const QK = Math.sqrt(MARGIN * Math.sqrt(DH));
const DISTRACTOR = 0.05;
const UNEMBED = 10;

const zeros = (...shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
/** Sets t[i0, i1, …] = v for a row-major tensor. */
function set(t, idx, v) {
  let at = 0;
  for (let i = 0; i < idx.length; i++) at = at * t.shape[i] + idx[i];
  t.data[at] = v;
}

function block() {
  return {
    W_Q: zeros(H, D, DH), b_Q: zeros(H, DH), W_K: zeros(H, D, DH), b_K: zeros(H, DH),
    W_V: zeros(H, D, DH), b_V: zeros(H, DH), W_O: zeros(H, DH, D), b_O: zeros(D),
  };
}

const W_E = zeros(V, D);
for (let t = 0; t < V; t++) set(W_E, [t, TOK + t], 1);
const W_pos = zeros(CTX, D);
for (let p = 0; p < CTX; p++) set(W_pos, [p, POS + p], 1);

// Layer 0.
const b0 = block();
for (let p = 0; p < CTX; p++) {
  set(b0.W_Q, [0, POS + p, p], QK); // query at p looks for key feature p …
  if (p + 1 < DH) set(b0.W_K, [0, POS + p, p + 1], QK); // … which the key at p−1 has
}
for (let t = 0; t < V; t++) {
  set(b0.W_V, [0, TOK + t, t], 1);
  set(b0.W_O, [0, t, PREV + t], 1);
  // L0H1: Q = K = 0 (uniform causal attention), copies the token weakly into ans.
  set(b0.W_V, [1, TOK + t, t], 1);
  set(b0.W_O, [1, t, ANS + t], DISTRACTOR);
}

// Layer 1.
const b1 = block();
for (let t = 0; t < V; t++) {
  set(b1.W_Q, [0, TOK + t, t], QK);
  set(b1.W_K, [0, PREV + t, t], QK);
  // Position 0 has no previous token (L0H0 can only attend to itself there, so prev holds the token itself): every
  // query also carries feature DH−1, which key position 0 answers with −2·QK, keeping key 0 out of the match.
  set(b1.W_Q, [0, TOK + t, DH - 1], QK);
  set(b1.W_V, [0, TOK + t, t], 1);
  set(b1.W_O, [0, t, ANS + t], 1);
  set(b1.W_V, [1, TOK + t, t], 1);
  set(b1.W_O, [1, t, ANS + t], DISTRACTOR);
}
set(b1.W_K, [0, POS + 0, DH - 1], -2 * QK);
for (let p = 0; p < CTX; p++) {
  // L1H1 attends to itself.
  set(b1.W_Q, [1, POS + p, p], QK);
  set(b1.W_K, [1, POS + p, p], QK);
}

const W_U = zeros(D, V);
for (let t = 0; t < V; t++) set(W_U, [ANS + t, t], UNEMBED);

const tensors = { 'embed.W_E': W_E, 'pos_embed.W_pos': W_pos, 'unembed.W_U': W_U, 'unembed.b_U': zeros(V) };
for (const [l, b] of [b0, b1].entries()) for (const [k, t] of Object.entries(b)) tensors[`blocks.${l}.attn.${k}`] = t;

const { writeSafetensors, importModel } = await loadSources(
  'handbuilt-model',
  `export { writeSafetensors } from './main/node/patching/import/safetensors';
   export { importModel } from './main/node/patching/import/importModel';`,
);
mkdirSync(weightsDir, { recursive: true });
const weights = join(weightsDir, 'weights.safetensors');
writeFileSync(weights, writeSafetensors(tensors, { source: 'scripts/models/handBuiltInduction.mjs' }));
writeFileSync(join(weightsDir, 'vocab.txt'), VOCAB.join('\n') + '\n');
const model = await importModel({
  weights,
  arch: 'tlens',
  vocab: join(weightsDir, 'vocab.txt'),
  out,
  name: 'Hand-built induction (2 layers)',
  force: true,
  notes:
    'Weights written by scripts/models/handBuiltInduction.mjs. Ground truth: L0H0 is a previous-token head (writes the ' +
    'previous token into residual dims 48-63); L1H0 is an induction head whose K reads that subspace and whose Q and V ' +
    'read the current token (dims 0-15), writing the predicted token into dims 64-79, which the unembedding reads. ' +
    'L0H1 (uniform attention) and L1H1 (attends to itself) are weak distractors writing 0.05x into the answer subspace.',
});
console.log(`weights: ${weights}\nmodel:   ${model.dir} (${model.spec.layers} layers, ${model.spec.heads} heads, dModel ${model.spec.dModel})`);
