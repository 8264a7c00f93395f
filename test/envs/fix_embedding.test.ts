import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectEnvDir, loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { EnvAttempt, envDir, rawNormalized, REPO, SYSTEM_PYTHON, torchMissing } from './envScoring';

const DIR = envDir('fix_embedding');
const SLOW = 300_000;

describe('fix_embedding env.json', () => {
  it('mini loads and is the default; full declares its three organizer-supplied assets and says they are missing', async () => {
    const mini = await loadEnvDir(DIR);
    expect(mini.variant).toBe('mini');
    expect(mini.spec.assets).toEqual([]);
    const full = await inspectEnvDir(DIR, 'full', { assets: 'size' });
    expect(full.spec.score).toMatchObject({ start: 2.196, reference: 0.262, baseline: 'fixed' });
    expect(full.spec.assets.map((a) => a.path)).toEqual(['assets/damaged_model.pt', 'assets/train_tokens.bin', 'assets/val_tokens.bin']);
    expect(full.spec.assets.every((a) => a.description && a.obtain)).toBe(true);
    expect(full.issues.map((i) => i.code)).toEqual(['ENV_ASSET_MISSING', 'ENV_ASSET_MISSING', 'ENV_ASSET_MISSING']);
  });

  it('the workspace model.py is the scorer model, and the mini constants are the shipped model losses', () => {
    for (const starter of ['starter', 'starter_mini']) {
      expect(readFileSync(join(DIR, starter, 'model.py'), 'utf8')).toBe(readFileSync(join(DIR, 'scorer', 'gpt.py'), 'utf8'));
    }
    const meta = JSON.parse(readFileSync(join(DIR, 'scorer', 'mini_meta.json'), 'utf8'));
    const env = JSON.parse(readFileSync(join(DIR, 'env.json'), 'utf8'));
    expect(env.variants.mini.score.start).toBeCloseTo(Math.log(meta.damaged_loss - meta.floor), 3);
    expect(env.variants.mini.score.reference).toBeCloseTo(Math.log(meta.clean_loss - meta.floor), 3);
  });
});

describe.skipIf(torchMissing())('fix_embedding mini scored by ScorerRunner (needs torch in /usr/bin/python3)', () => {
  let attempt: EnvAttempt;
  beforeAll(async () => {
    attempt = await EnvAttempt.open(DIR, 'mini');
  });
  afterAll(() => attempt?.close());

  it('scores the starting fix.py (model saved unchanged) about 0', { timeout: SLOW }, async () => {
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.score, r.message).not.toBeNull();
    expect(Math.abs(rawNormalized(r, attempt.env)!)).toBeLessThan(0.15);
    console.info(`fix_embedding mini: starter n=${rawNormalized(r, attempt.env)!.toFixed(3)} in ${r.durationMs} ms`);
  });

  it('scores the reference (permutation recovered from bigram statistics) about 1', { timeout: SLOW }, async () => {
    attempt.put('fix.py', { file: 'reference_mini/fix.py' });
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    const n = rawNormalized(r, attempt.env)!;
    expect(n).toBeGreaterThanOrEqual(0.8);
    expect(n).toBeLessThanOrEqual(1.3);
    console.info(`fix_embedding mini: reference n=${n.toFixed(3)} in ${r.durationMs} ms`);
  });

  it('refuses a fixed model that changes more than the embedding', { timeout: SLOW }, async () => {
    attempt.put('fix.py', {
      text:
        'import torch\ns = torch.load("damaged_model.pt", weights_only=True)\ns["ln_f.weight"] = s["ln_f.weight"] * 2\n' +
        'torch.save(s, "fixed_model.pt")\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('WRONG_OUTPUT');
    expect(r.message).toContain('only wte.weight may change');
  });

  it('refuses a fixed model whose shapes differ', { timeout: SLOW }, async () => {
    attempt.put('fix.py', {
      text:
        'import torch\ns = torch.load("damaged_model.pt", weights_only=True)\ns["wte.weight"] = torch.zeros(64, 16)\n' +
        'torch.save(s, "fixed_model.pt")\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.message).toMatch(/architecture changed: wte\.weight is \(64, 16\)/);
  });

  it('refuses a fix.py that writes no model, and one that pickles code into it', { timeout: SLOW }, async () => {
    attempt.put('fix.py', { text: 'print("nothing")\n' });
    const none = await attempt.score();
    expect(none.score).toBeNull();
    expect(none.message).toContain('fixed_model.pt not found');
    attempt.put('fix.py', {
      text:
        'import os, torch\nclass Evil:\n    def __reduce__(self):\n        return (os.system, ("touch /tmp/redesk-pwned",))\n' +
        'torch.save({"x": Evil()}, "fixed_model.pt")\n',
    });
    const evil = await attempt.score();
    expect(evil.score).toBeNull();
    expect(evil.message).toContain('could not be loaded as a state dict of tensors');
  });

  it('refuses a fix.py that reads the damaged model from the environment folder instead of the workspace', { timeout: SLOW }, async () => {
    attempt.put('fix.py', {
      text: 'import os, torch\ns = torch.load(os.path.join(os.environ["REDESK_ENV_DIR"], "scorer", "mini_meta.json"))\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('SANDBOX_VIOLATION');
  });
});

describe.skipIf(torchMissing())('fix_embedding full scorer, on the CPU with tiny stand-in assets', () => {
  // The full scorer needs the organizer's assets; here a small copy of the environment gets stand-ins of the right
  // format (a mini-sized state dict cannot pass for GPT-2 small, so only the validity checks are exercised).
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'redesk-fefull-'));
    cpSync(DIR, join(root, 'env'), { recursive: true });
    execFileSync(
      SYSTEM_PYTHON,
      ['-c', 'import torch, shutil, os\nos.makedirs("assets")\nshutil.copy("starter_mini/damaged_model.pt", "assets/damaged_model.pt")'],
      { cwd: join(root, 'env') },
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function scoreFull(fixed: string | null): Record<string, unknown> {
    const ws = join(root, `ws-${Math.random().toString(36).slice(2)}`);
    cpSync(join(root, 'env', 'starter'), ws, { recursive: true });
    if (fixed) execFileSync(SYSTEM_PYTHON, ['-c', fixed], { cwd: ws, env: { ...process.env, ENV: join(root, 'env') } });
    const out = execFileSync(
      SYSTEM_PYTHON,
      ['scorer/score.py', '--variant', 'full', '--workspace', ws, '--cache', join(root, 'cache'), '--device', 'cpu'],
      { cwd: join(root, 'env'), env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') }, encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  it('says fixed_model.pt is missing, and refuses NaN weights', { timeout: SLOW }, () => {
    expect(scoreFull(null).message).toContain('fixed_model.pt not found');
    const nan = scoreFull(
      'import os, torch\ns = torch.load(os.environ["ENV"] + "/assets/damaged_model.pt")\ns["wpe.weight"][0, 0] = float("nan")\ntorch.save(s, "fixed_model.pt")',
    );
    expect(nan.score).toBeNull();
    expect(nan.message).toContain('wpe.weight holds NaN');
  });
});
