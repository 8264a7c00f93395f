import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { EnvAttempt, envDir, rawNormalized, REPO, SYSTEM_PYTHON, torchMissing } from './envScoring';

const DIR = envDir('triton_cumsum');
// The first score of an attempt also times the starting and reference solutions (a minute on a busy 2-core box).
const SLOW = 400_000;

describe('triton_cumsum env.json', () => {
  it('loads both variants; full asks for a GPU and the paper constants, mini is the default', async () => {
    const full = await loadEnvDir(DIR, 'full');
    expect(full.spec.hardware.gpus).toBe(1);
    expect(full.spec.score).toMatchObject({ baseline: 'fixed', start: 1.5535, reference: 0.47, direction: 'min' });
    const mini = await loadEnvDir(DIR);
    expect(mini.variant).toBe('mini');
    expect(mini.spec.hardware.gpus).toBe(0);
    expect(mini.spec.score.baseline).toBe('calibrated');
    expect(mini.instructionsMarkdown).toContain('What is shrunk');
  });
});

describe.skipIf(torchMissing())('triton_cumsum mini scored by ScorerRunner (needs torch in /usr/bin/python3)', () => {
  let attempt: EnvAttempt;
  beforeAll(async () => {
    attempt = await EnvAttempt.open(DIR, 'mini');
  });
  afterAll(() => attempt?.close());

  it('scores the starting solution about 0, calibrating on this machine', { timeout: SLOW }, async () => {
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.details.calibratedNow, r.message).toBe(true);
    expect(r.baseline!.start - r.baseline!.reference).toBeGreaterThan(2);
    expect(Math.abs(rawNormalized(r, attempt.env)!)).toBeLessThan(0.15);
    console.info(`triton_cumsum mini: starter n=${rawNormalized(r, attempt.env)!.toFixed(3)} in ${r.durationMs} ms (with calibration)`);
  });

  it('scores the reference solution about 1', { timeout: SLOW }, async () => {
    attempt.put('solution.py', { file: 'reference_mini/solution.py' });
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.details.calibratedNow).toBe(false);
    const n = rawNormalized(r, attempt.env)!;
    expect(n).toBeGreaterThanOrEqual(0.8);
    expect(n).toBeLessThanOrEqual(1.3);
    console.info(`triton_cumsum mini: reference n=${n.toFixed(3)} in ${r.durationMs} ms`);
  });

  it('refuses an off-by-one definition and names the first wrong element', { timeout: SLOW }, async () => {
    // Counts x[j] when the positives up to and including j are odd.
    attempt.put('solution.py', {
      text: 'import torch\ndef prefix_sum(x):\n    odd = torch.cumsum((x > 0).long(), 0) % 2\n    return torch.cumsum(x.long() * odd, 0)\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('WRONG_OUTPUT');
    expect(r.message).toMatch(/wrong output on case '\w+' \(n=\d+\): first mismatch at index \d+/);
  });

  it('refuses int32 sums, which wrap', { timeout: SLOW }, async () => {
    attempt.put('solution.py', {
      text:
        'import torch\ndef prefix_sum(x):\n    p = (x > 0).int()\n    odd = (torch.cumsum(p, 0, dtype=torch.int32) - p) % 2\n' +
        '    return torch.cumsum(x * odd, 0, dtype=torch.int32).long()\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.message).toContain('int32_extremes');
  });

  it('refuses a solution that copies the reference out of the environment folder', { timeout: SLOW }, async () => {
    attempt.put('solution.py', {
      text:
        'import os\nsrc = open(os.path.join(os.environ["REDESK_ENV_DIR"], "reference_mini", "solution.py")).read()\n' +
        'exec(src)\n',
    });
    const r = await attempt.score();
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('SANDBOX_VIOLATION');
  });
});

describe.skipIf(torchMissing())('triton_cumsum full scorer, run on the CPU at a small size', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'redesk-tcfull-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function scoreFull(solution: string, extra: string[]): Record<string, unknown> {
    const ws = join(root, `ws-${Math.random().toString(36).slice(2)}`);
    cpSync(join(DIR, solution), join(ws, 'solution.py'));
    const out = execFileSync(
      SYSTEM_PYTHON,
      ['scorer/score.py', '--variant', 'full', '--workspace', ws, '--cache', join(root, 'cache'), ...extra],
      { cwd: DIR, env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') }, encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  it('scores the plain PyTorch starter with ln(median ms), no calibration (fixed paper constants)', { timeout: SLOW }, () => {
    const r = scoreFull('starter/solution.py', ['--device', 'cpu', '--size', '50000']);
    expect(r.message).toMatch(/^valid: median [\d.]+ ms over 20 runs/);
    const d = r.details as { ms: number; baseline?: unknown };
    expect(r.score).toBeCloseTo(Math.log(d.ms), 6);
    expect(d.baseline).toBeUndefined();
  });

  it('says a GPU is needed when torch sees none', { timeout: SLOW }, () => {
    const hasCuda = execFileSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' });
    if (hasCuda.trim() === 'True') return;
    const r = scoreFull('starter/solution.py', []);
    expect(r.score).toBeNull();
    expect((r.details as { code: string }).code).toBe('NO_GPU');
  });
});
