import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeScore } from '../../common/scoreMath';
import type { LoadedEnv, ScorerResult, ScorerRunOptions } from '../contracts';
import { loadEnvDir } from '../envs/loadEnvDir';
import { ScorerRunner } from './ScorerRunner';

const ENV_DIR = fileURLToPath(new URL('../../../envs/prefix_sum_mini', import.meta.url));
// The scorer calibrates on first use and times every run; on a shared 2-core box that is tens of seconds.
const SLOW = 180_000;

let root: string;
let env: LoadedEnv;
let opts: ScorerRunOptions;
const scorer = new ScorerRunner();

function normalized(r: ScorerResult): number | null {
  return normalizeScore(r.score, r.baseline?.start, r.baseline?.reference);
}

function useSolution(path: string): void {
  cpSync(path, join(opts.workspaceDir, 'solution.py'));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'redesk-psm-'));
  env = await loadEnvDir(ENV_DIR);
  const workspaceDir = join(root, 'workspace');
  cpSync(join(ENV_DIR, env.spec.starter), workspaceDir, { recursive: true });
  opts = { env, workspaceDir, cacheDir: join(root, 'scorer-cache'), scratchDir: join(root, 'scratch') };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prefix_sum_mini scored by ScorerRunner', () => {
  let first: ScorerResult;

  it('scores the starting solution near 0 and caches its calibration', { timeout: SLOW }, async () => {
    first = await scorer.run(opts);
    expect(first.errorCode, first.message).toBeUndefined();
    expect(first.score).toEqual(expect.any(Number));
    expect(first.details.calibratedNow).toBe(true);
    const cached = JSON.parse(readFileSync(join(opts.cacheDir, 'calibration.json'), 'utf8'));
    expect(first.baseline).toEqual({ start: cached.start, reference: cached.reference });
    // The reference is much faster than the loop, whatever the machine.
    expect(first.baseline!.start - first.baseline!.reference).toBeGreaterThan(1);
    expect(normalized(first)).toBeLessThan(0.35);
  });

  it('scores the reference solution near 1, reusing the calibration', { timeout: SLOW }, async () => {
    useSolution(join(ENV_DIR, 'reference', 'solution.py'));
    const r = await scorer.run(opts);
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.details.calibratedNow).toBe(false);
    expect(r.baseline).toEqual(first.baseline);
    const n = normalized(r)!;
    expect(n).toBeGreaterThan(0.6);
    expect(n).toBeLessThan(1.4);
  });

  it('scores a wrong solution null and names the first wrong element', { timeout: SLOW }, async () => {
    // Counts x[j] when the positives up to and including j are odd: off by one in the definition.
    writeFileSync(
      join(opts.workspaceDir, 'solution.py'),
      'import numpy as np\ndef prefix_sum(x):\n    odd = np.cumsum(x > 0) % 2 == 1\n    return np.cumsum(np.where(odd, x.astype(np.int64), 0))\n',
    );
    const r = await scorer.run(opts);
    expect(r.score).toBeNull();
    expect(r.errorCode).toBeUndefined();
    expect(r.message).toMatch(/wrong output on case '\w+' \(n=\d+\): first mismatch at index \d+/);
    expect(r.baseline).toEqual(first.baseline);
  });

  it('scores a solution that raises null with the exception', { timeout: SLOW }, async () => {
    writeFileSync(join(opts.workspaceDir, 'solution.py'), 'def prefix_sum(x):\n    raise RuntimeError("not yet")\n');
    const r = await scorer.run(opts);
    expect(r.score).toBeNull();
    expect(r.message).toContain('RuntimeError: not yet');
  });

  it('rejects int32 accumulation, which wraps', { timeout: SLOW }, async () => {
    writeFileSync(
      join(opts.workspaceDir, 'solution.py'),
      'import numpy as np\ndef prefix_sum(x):\n    p = (x > 0).view(np.uint8)\n    odd = np.bitwise_xor.accumulate(p) ^ p\n' +
        '    return np.cumsum(x * odd.astype(np.int32), dtype=np.int32)\n',
    );
    const r = await scorer.run(opts);
    expect(r.score).toBeNull();
    expect(r.message).toContain('int32_extremes');
  });

  it('leaves the environment folder as it was (no bytecode caches, same hash)', async () => {
    expect((await loadEnvDir(ENV_DIR)).envHash).toBe(env.envHash);
    expect(existsSync(join(ENV_DIR, 'scorer', '__pycache__'))).toBe(false);
    expect(existsSync(join(ENV_DIR, 'starter', '__pycache__'))).toBe(false);
  });
});
