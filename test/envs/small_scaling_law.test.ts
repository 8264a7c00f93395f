import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { EnvAttempt, envDir, normalized, REPO, SYSTEM_PYTHON } from './envScoring';

/**
 * small_scaling_law: the mini variant end to end through ScorerRunner (starting answer ≈ 0, reference ≈ 1, and the
 * reference fit re-run from scratch lands near 1), the rules of the answer and of train.py, the shipped ground truth
 * against the model family's code, and the full variant's formula on a small fake sweep.
 */
const DIR = envDir('small_scaling_law');
const run = promisify(execFile);
const torch = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch']).status === 0;
const pyEnv = { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python'), PYTHONDONTWRITEBYTECODE: '1' };

describe('small_scaling_law env.json', () => {
  it('validates both variants; mini is the default and needs no GPU or asset', async () => {
    const mini = await loadEnvDir(DIR);
    expect(mini.variant).toBe('mini');
    expect(mini.spec.hardware.gpus).toBe(0);
    expect(mini.spec.assets).toEqual([]);
    expect(mini.spec.score).toMatchObject({ direction: 'max', aggregate: 'last', baseline: 'fixed' });
    const full = await loadEnvDir(DIR, 'full', { assets: 'none' });
    expect(full.spec.score).toMatchObject({ start: 0.24, reference: 0.84 });
    expect(full.spec.hardware.gpus).toBe(6);
  });
});

describe.skipIf(!torch)('small_scaling_law mini, scored by ScorerRunner (needs torch)', () => {
  let attempt: EnvAttempt;
  beforeAll(async () => {
    attempt = await EnvAttempt.open(DIR, 'mini');
  });
  afterAll(() => attempt.close());

  const answer = (a: object) => attempt.put('answer.json', { text: JSON.stringify(a) });

  it('scores the starting answer at 0 after normalization', { timeout: 60_000 }, async () => {
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    expect(Math.abs(normalized(r, attempt.env)!)).toBeLessThan(0.15);
  });

  it('scores the reference answer at 1 after normalization', { timeout: 60_000 }, async () => {
    attempt.put('answer.json', { file: 'reference_mini/answer.json' });
    const r = await attempt.score();
    const n = normalized(r, attempt.env)!;
    expect(n).toBeGreaterThanOrEqual(0.8);
    expect(n).toBeLessThanOrEqual(1.3);
  });

  it('computes 1 - gap - |prediction error| on the sweep', { timeout: 60_000 }, async () => {
    const grid = JSON.parse(readFileSync(join(DIR, 'scorer', 'mini_ground_truth.json'), 'utf8')) as {
      points: { n_embd: number; max_iters: number; loss: number }[];
    };
    const best = Math.min(...grid.points.map((p) => p.loss));
    const p = grid.points[grid.points.length - 1]!; // the widest model, fewest steps: a grid point, no interpolation
    answer({ n_embd: p.n_embd, max_iters: p.max_iters, loss_prediction: p.loss + 0.05 });
    const r = await attempt.score();
    expect(r.score!).toBeCloseTo(1 - (p.loss - best) - 0.05, 6);
    expect(r.details).toMatchObject({ lossAtAnswer: p.loss, bestLoss: best });
  });

  it('refuses answers that do not spend the target budget, or are malformed', { timeout: 60_000 }, async () => {
    answer({ n_embd: 64, max_iters: 100_000, loss_prediction: 1.4 });
    let r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('BUDGET_MISMATCH');
    answer({ n_embd: 4, max_iters: 100, loss_prediction: 1.4 });
    expect((await attempt.score()).details.code).toBe('BUDGET_MISMATCH');
    for (const bad of [{ n_embd: true, max_iters: 5779, loss_prediction: 1.4 }, { n_embd: 64.5, max_iters: 5779, loss_prediction: 1 }, { n_embd: 64, max_iters: 5779 }]) {
      answer(bad);
      r = await attempt.score();
      expect(r.details.code, JSON.stringify(bad)).toBe('BAD_ANSWER');
    }
    attempt.put('answer.json', { text: '{"n_embd": 64,' });
    expect((await attempt.score()).message).toContain('not valid JSON');
  });

  it('train.py enforces the per-run cap and the total budget', { timeout: 60_000 }, async () => {
    const ws = attempt.workspaceDir;
    const tryRun = (args: string[]) =>
      run(SYSTEM_PYTHON, ['train.py', ...args], { cwd: ws, env: pyEnv }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const over = await tryRun(['--n_embd', '64', '--max_iters', '1000']);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('at most 1e+09');
    writeFileSync(join(ws, 'runs.jsonl'), JSON.stringify({ n_embd: 32, max_iters: 1, flops: 1.99e10, loss: 2 }) + '\n');
    const past = await tryRun(['--n_embd', '32', '--max_iters', '100']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('total budget');
  });

  it('the reference fit, re-run from scratch within the rules, lands near 1', { timeout: 600_000 }, async () => {
    const ws = attempt.workspaceDir;
    cpSync(join(DIR, 'reference_mini', 'fit.py'), join(ws, 'fit.py'));
    writeFileSync(join(ws, 'runs.jsonl'), '');
    await run(SYSTEM_PYTHON, ['fit.py'], { cwd: ws, env: pyEnv, timeout: 540_000 });
    const fitted = JSON.parse(readFileSync(join(ws, 'answer.json'), 'utf8'));
    const shipped = JSON.parse(readFileSync(join(DIR, 'reference_mini', 'answer.json'), 'utf8'));
    expect(fitted.n_embd).toBeCloseTo(shipped.n_embd, -1);
    const r = await attempt.score();
    const n = normalized(r, attempt.env)!;
    expect(n).toBeGreaterThanOrEqual(0.8);
    expect(n).toBeLessThanOrEqual(1.3);
  });

  it('ships a ground truth made by this train.py, and refuses one made by another', { timeout: 60_000 }, async () => {
    const file = join(DIR, 'scorer', 'mini_ground_truth.json');
    const grid = JSON.parse(readFileSync(file, 'utf8')) as { targetFlops: number; trainPySha256: string };
    expect(grid.targetFlops).toBe(5e10);
    expect(grid.trainPySha256).toBe(createHash('sha256').update(readFileSync(join(DIR, 'starter_mini', 'train.py'))).digest('hex'));
    const stale = join(attempt.root, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...grid, trainPySha256: '0'.repeat(64) }));
    attempt.put('answer.json', { file: 'reference_mini/answer.json' });
    const { stdout } = await run(SYSTEM_PYTHON, ['scorer/score.py', '--workspace', attempt.workspaceDir, '--variant', 'mini', `--grid=${stale}`], {
      cwd: DIR,
      env: pyEnv,
    });
    expect(JSON.parse(stdout.trim()).details.code).toBe('GROUND_TRUTH_STALE');
    expect(existsSync(join(DIR, 'starter_mini', '__pycache__'))).toBe(false);
  });
});

describe('small_scaling_law full scorer on a small fake sweep', () => {
  // 5e17 FLOPs at max_iters 10000 needs n_embd ≈ 1628 with the paper's count.
  const points = [
    { n_embd: 5148, max_iters: 1000, loss: 3.0 },
    { n_embd: 1628, max_iters: 10000, loss: 2.5 },
    { n_embd: 515, max_iters: 100000, loss: 2.8 },
  ];
  let tmp: string;
  let grid: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'redesk-ssl-'));
    grid = join(tmp, 'grid.json');
    writeFileSync(grid, JSON.stringify({ targetFlops: 5e17, points }));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const score = async (a: object) => {
    const ws = join(tmp, 'workspace');
    cpSync(join(DIR, 'starter'), ws, { recursive: true });
    writeFileSync(join(ws, 'answer.json'), JSON.stringify(a));
    const { stdout } = await run(SYSTEM_PYTHON, ['scorer/score.py', '--workspace', ws, '--variant', 'full', `--grid=${grid}`], { cwd: DIR, env: pyEnv });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { score: number | null; details: Record<string, unknown> };
  };

  it('interpolates in log(max_iters) and subtracts the gap and the prediction error', { timeout: 60_000 }, async () => {
    expect((await score({ n_embd: 1628, max_iters: 10000, loss_prediction: 2.6 })).score).toBeCloseTo(0.9, 6);
    // Halfway between 1000 and 10000 in log space: loss 2.75, gap 0.25, error 0.
    const mid = await score({ n_embd: 2895, max_iters: 3162, loss_prediction: 2.75 });
    expect(mid.details.lossAtAnswer as number).toBeCloseTo(2.75, 3);
    expect(mid.score!).toBeCloseTo(0.75, 3);
  });

  it('accepts the paper\'s starting answer (0.75 of the budget) and refuses one over 1.1', { timeout: 60_000 }, async () => {
    const start = await score(JSON.parse(readFileSync(join(DIR, 'starter', 'answer.json'), 'utf8')));
    expect(start.score).not.toBeNull();
    expect(start.details.fracFlopsUsed as number).toBeCloseTo(0.755, 2);
    expect((await score({ n_embd: 1800, max_iters: 10000, loss_prediction: 2.5 })).details.code).toBe('BUDGET_MISMATCH');
  });
});
