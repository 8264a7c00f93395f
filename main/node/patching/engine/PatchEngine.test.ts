import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchMetric, PromptPair } from '../../../common/patching/types';
import { loadModelDir } from '../model';
import { QUERY_DIM } from '../onnx/buildParts';
import { decodeOnnxModel, encodeOnnxModel } from '../onnx/onnxModel';
import { cellPaths, receivers, senders } from './graph';
import { RunControl } from './jobs';
import { planPaths } from './pathPatch';
import { PatchEngine } from './PatchEngine';
import { recomputePaths } from './reference';
import { HANDBUILT, writeRandomModel } from './testKit';
import { expandPath } from './graph';

const TOL = 1e-5;

function expectGridsClose(a: (number | null)[][], b: (number | null)[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) =>
    row.forEach((x, j) => {
      const y = b[i]![j]!;
      if (x === null || y === null) expect([x, y]).toEqual([null, null]);
      else expect(Math.abs(x - y), `cell ${i},${j}: ${x} vs ${y}`).toBeLessThan(TOL);
    }),
  );
}

/** Repeated-token pairs for the hand-built model: the clean prompt repeats a segment, the corrupt one does not. */
const INDUCTION_PAIRS: PromptPair[] = [
  { clean: 'a b c d e f a b c d e', corrupt: 'g h i j k l m n o p e', answers: ['f', 'g'] },
  { clean: 'c f i l o b e h c f i l o', corrupt: 'a d g j m p k n b d g j o', answers: ['b', 'a'] },
  { clean: 'c f i l o b e h j k c f i l o', corrupt: 'a d g j m p k n b d g j n m o', answers: ['b', 'a'] },
  { clean: 'h g f e d c b a h g f e d', corrupt: 'a b c i j k l m n o p a d', answers: ['c', 'a'] },
];
const CIRCUIT = [
  ['embed', 'L0H0', 'L1H0.k', 'logits'],
  ['embed', 'L1H0.q', 'logits'],
  ['embed', 'L1H0.v', 'logits'],
];

describe('path patching on the hand-built induction model', () => {
  let engine: PatchEngine;
  beforeAll(async () => {
    engine = new PatchEngine(await loadModelDir(HANDBUILT), { inThread: true });
  });
  afterAll(() => engine.close());
  const req = { pairs: INDUCTION_PAIRS, metric: 'logit-diff' as PatchMetric };

  it('explains the induction circuit: ≥ 95% with the K path, ≤ 10% without it, nothing through Q', async () => {
    const full = await engine.explain({ ...req, paths: CIRCUIT });
    expect(full.proportionExplained).toBeGreaterThanOrEqual(0.95);
    expect(full.ate).toBeGreaterThan(1);
    const noK = await engine.explain({ ...req, paths: CIRCUIT.slice(1) });
    expect(noK.proportionExplained).toBeLessThanOrEqual(0.1);
    const viaQ = await engine.explain({ ...req, paths: [['embed', 'L0H0', 'L1H0.q', 'logits']] });
    expect(Math.abs(viaQ.proportionExplained)).toBeLessThan(0.05);
    // The ratio of means: 1 − mean(AUE)/mean(ATE) over the pairs.
    const pp = full.perPair;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(full.proportionExplained).toBeCloseTo(1 - mean(pp.map((p) => p.clean - p.patched)) / mean(pp.map((p) => p.clean - p.corrupt)), 10);
  });

  it('shows the circuit in the sweep: L0H0 → L1H0.k and L1H0 → logits are the strongest cells', async () => {
    const s = await engine.sweep(req);
    const cell = (from: string, to: string): number => s.effects[s.senders.indexOf(from)]![s.receivers.indexOf(to)]!;
    expect(cell('L0H0', 'L1H0.k')).toBeGreaterThan(0.5);
    expect(cell('L1H0', 'logits')).toBeGreaterThan(0.5);
    expect(Math.abs(cell('L0H0', 'L1H0.q'))).toBeLessThan(0.05);
    expect(s.cells[s.senders.indexOf('L1H0')]![s.receivers.indexOf('L0H0.q')]).toBeNull();
    expect(s.provider).toBe('cpu');
  });

  it('gives each sweep cell the value of its path set {embed →* s → r →* logits} patched in explicitly', async () => {
    const one = { pairs: INDUCTION_PAIRS.slice(0, 1), metric: 'logit-diff' as PatchMetric };
    const s = await engine.sweep(one);
    const S = senders(engine.dims);
    const R = receivers(engine.dims);
    let checked = 0;
    for (let i = 0; i < S.length; i++) {
      for (let j = 0; j < R.length; j++) {
        if (s.cells[i]![j] === null) continue;
        const [r] = await engine.pathMetrics({ ...one, paths: cellPaths(engine.dims, S[i]!, R[j]!) }, 'corrupt');
        expect(Math.abs(r!.patched - s.cells[i]![j]!), `${s.senders[i]} → ${s.receivers[j]}`).toBeLessThan(TOL);
        checked++;
      }
    }
    // embed → 12 head inputs and logits; each L0 head → 6 L1 head inputs and logits; each L1 head → logits.
    expect(checked).toBe(13 + 2 * 7 + 2);
  });

  it('rejects bad runs with their codes', async () => {
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code: string }) => e.code);
    const long = Array.from({ length: 33 }, () => 'a').join(' ');
    expect(await code(engine.sweep({ ...req, pairs: [{ clean: long, corrupt: long, answers: ['a', 'b'] }] }))).toBe('PATCH_PROMPT_TOO_LONG');
    expect(await code(engine.sweep({ ...req, pairs: [{ clean: 'a b', corrupt: 'a b c', answers: ['a', 'b'] }] }))).toBe('PATCH_LENGTH_MISMATCH');
    expect(await code(engine.sweep({ ...req, pairs: [{ clean: 'a b', corrupt: 'c d', answers: ['zz', 'b'] }] }))).toBe('PATCH_BAD_ANSWER');
    expect(await code(engine.sweep({ ...req, pairs: [{ clean: 'a b', corrupt: 'c d', answers: ['a b', 'b'] }] }))).toBe('PATCH_BAD_ANSWER');
    expect(await code(engine.sweep({ ...req, pairs: [{ clean: 'a b', corrupt: 'c d' }] }))).toBe('PATCH_BAD_ANSWER');
    expect(await code(engine.explain({ ...req, paths: [['embed', 'L1H0', 'L0H0', 'logits']] }))).toBe('PATCH_BAD_PATH');
    expect(await code(engine.explain({ ...req, paths: [['embed', 'L7H0', 'logits']] }))).toBe('PATCH_BAD_PATH');
    expect(await code(engine.attention(long))).toBe('PATCH_PROMPT_TOO_LONG');
    const ctl = new RunControl((done) => {
      if (done > 0) ctl.cancelled = true;
    });
    expect(await code(engine.sweep(req, ctl))).toBe('PATCH_CANCELLED');
  });

  it('reports the attention patterns: L0H0 attends to the previous token', async () => {
    const a = await engine.attention('a b c d e f');
    expect(a.tokens).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(a.patterns).toHaveLength(2);
    for (let q = 1; q < 6; q++) expect(a.patterns[0]![0]![q]![q - 1]).toBeGreaterThan(0.9);
    for (const row of a.patterns[1]![1]!) expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
  });
});

describe.each([
  { name: 'layer norms and MLPs', mlp: true },
  { name: 'attention only, no layer norm', mlp: false },
])('cache arithmetic equals full recomputation on a random model ($name)', ({ mlp }) => {
  let dir: string;
  let engine: PatchEngine;
  const pairs: PromptPair[] = [
    { clean: 't1 t5 t9 t2 t7 t3 t1 t5', corrupt: 't4 t8 t0 t6 t11 t3 t4 t8', answers: ['t9', 't0'] },
    { clean: 't2 t2 t9 t14 t7 t3 t1 t5', corrupt: 't4 t8 t0 t6 t11 t13 t19 t8', answers: ['t3', 't1'] },
    { clean: 't3 t6 t9 t12 t15 t18', corrupt: 't0 t6 t9 t10 t15 t17', answers: ['t1', 't2'] },
  ];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redesk-patch-'));
    await writeRandomModel(dir, { mlp, seed: mlp ? 7 : 8 });
    engine = new PatchEngine(await loadModelDir(dir), { inThread: true });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['logit-diff', 'loss', 'kl'] as PatchMetric[])('batched sweep = one full forward pass per cell (%s)', async (metric) => {
    const one = { pairs: pairs.slice(0, 1), metric };
    const batched = await engine.sweep(one);
    expectGridsClose(batched.cells, await engine.naiveSweep(one));
  });

  it('every sweep cell = its path set {embed →* s → r →* logits} patched in explicitly', async () => {
    const one = { pairs: pairs.slice(0, 1), metric: 'loss' as PatchMetric };
    const s = await engine.sweep(one);
    const S = senders(engine.dims);
    const R = receivers(engine.dims);
    for (let i = 0; i < S.length; i++) {
      for (let j = 0; j < R.length; j++) {
        if (s.cells[i]![j] === null) continue;
        const [r] = await engine.pathMetrics({ ...one, paths: cellPaths(engine.dims, S[i]!, R[j]!) }, 'corrupt');
        expect(Math.abs(r!.patched - s.cells[i]![j]!), `${s.senders[i]} → ${s.receivers[j]}`).toBeLessThan(TOL);
      }
    }
  });

  it('a sweep over several pairs (two lengths) = the mean of one-pair sweeps', async () => {
    const all = await engine.sweep({ pairs, metric: 'logit-diff' });
    const each = [];
    for (const p of pairs) each.push(await engine.sweep({ pairs: [p], metric: 'logit-diff' }));
    const mean = all.cells.map((row, i) => row.map((c, j) => (c === null ? null : each.reduce((a, e) => a + e.cells[i]![j]!, 0) / each.length)));
    expectGridsClose(all.cells, mean);
    expect(all.clean).toBeCloseTo(each.reduce((a, e) => a + e.clean, 0) / 3, 5);
  });

  it('gives the same numbers when memory limits split every call and the sweep into many pieces', async () => {
    // About 2 batch rows per call and 40 cells per sweep block.
    const small = new PatchEngine(engine.model, { inThread: true, limits: { callFloats: 2 * 8 * 3 * 24, blockFloats: 40 * 8 * 24 } });
    const req = { pairs: pairs.slice(0, 2), metric: 'kl' as PatchMetric };
    const [c0, k0] = [small.runner.calls, engine.runner.calls];
    const [a, b] = [await small.sweep(req), await engine.sweep(req)];
    expect(small.runner.calls - c0).toBeGreaterThan(4 * (engine.runner.calls - k0));
    expectGridsClose(a.cells, b.cells);
    const paths = [['embed', 'L0H1', 'L1H2', 'logits'], ['embed', 'L1H0.v', 'logits']];
    const [x, y] = [await small.explain({ ...req, paths }), await engine.explain({ ...req, paths })];
    expect(Math.abs(x.proportionExplained - y.proportionExplained)).toBeLessThan(TOL);
    await small.close();
  });

  it('a folder from before q_in had its own length runs at full length, to the same numbers', async () => {
    // Such parts name q_in's length "pos" (it had to equal k_in's); the loader then never shortens the queries.
    const old = `${dir}-old`;
    cpSync(dir, old, { recursive: true });
    for (const file of engine.model.spec.parts.attn) {
      const m = decodeOnnxModel(new Uint8Array(readFileSync(join(old, file))));
      for (const v of [...m.graph.inputs, ...m.graph.outputs]) v.dims = v.dims.map((x) => (x === QUERY_DIM ? 'pos' : x));
      writeFileSync(join(old, file), encodeOnnxModel(m));
    }
    const full = new PatchEngine(await loadModelDir(old), { inThread: true });
    try {
      expect([engine.model.queryTail, full.model.queryTail]).toEqual([true, false]);
      const req = { pairs, metric: 'kl' as PatchMetric };
      expectGridsClose((await full.sweep(req)).cells, (await engine.sweep(req)).cells);
      const paths = [['embed', 'L0H1', 'L1H2.q', 'logits'], ['embed', 'L1H0', 'logits']];
      const [x, y] = [await full.explain({ ...req, paths }), await engine.explain({ ...req, paths })];
      expect(Math.abs(x.proportionExplained - y.proportionExplained)).toBeLessThan(TOL);
    } finally {
      await full.close();
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('explicit path sets = recomputation from scratch, and batched over pairs = one pair at a time', async () => {
    const sets = [
      [['embed', 'L0H1', 'L1H2.k', 'logits']],
      [['embed', 'L0H0', 'logits'], ['embed', 'L1H1', 'logits']],
      [['embed', 'L0H2.v', 'L1H0.q', 'logits'], ['embed', 'L0H2', 'L1H0', 'logits'], ['embed', 'logits']],
      mlp ? [['embed', 'L0.mlp', 'L1H1.k', 'L1.mlp', 'logits'], ['embed', 'L0H0', 'L0.mlp', 'logits']] : [['embed', 'L0H1', 'L1H1', 'logits']],
    ];
    for (const paths of sets) {
      const batched = await engine.pathMetrics({ pairs, metric: 'logit-diff', paths }, 'clean');
      const plan = planPaths(engine.dims, paths.flatMap((p) => expandPath(engine.dims, p)));
      for (const [i, p] of pairs.entries()) {
        const [single] = await engine.pathMetrics({ pairs: [p], metric: 'logit-diff', paths }, 'clean');
        const prep = engine.prepare({ pairs: [p], metric: 'logit-diff' })[0]!;
        const target = { metric: 'logit-diff' as PatchMetric, answers: prep.answers, reference: new Float32Array() };
        const fresh = await recomputePaths(engine.runner, engine.dims, prep.clean, prep.corrupt, plan, target);
        expect(Math.abs(batched[i]!.patched - single!.patched)).toBeLessThan(TOL);
        expect(Math.abs(batched[i]!.patched - fresh), JSON.stringify(paths)).toBeLessThan(TOL);
      }
    }
  });
});
