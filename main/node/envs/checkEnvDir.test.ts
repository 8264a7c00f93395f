import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkEnvDir } from './checkEnvDir';
import { writeTestEnv } from './testEnv';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redesk-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkEnvDir', () => {
  it('passes the shipped prefix_sum_mini, with its hashes', async () => {
    const r = await checkEnvDir(fileURLToPath(new URL('../../../envs/prefix_sum_mini', import.meta.url)));
    expect(r.issues).toEqual([]);
    expect(r).toMatchObject({ ok: true, id: 'prefix_sum_mini', version: '1.0.0' });
    expect(r.envHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.scorerHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists every problem at once: files, assets and each broken variant', async () => {
    writeTestEnv(dir, {
      starter: 'missing_starter',
      variants: { ok: {}, broken: { score: { baseline: 'fixed' } }, also_broken: { scorer: { files: ['scorer/extra.py'] } } },
      score: { direction: 'min', aggregate: 'best', baseline: 'calibrated' },
      defaultVariant: 'ok',
    });
    writeFileSync(join(dir, 'assets', 'data.bin'), 'HELLO asset\n');
    const r = await checkEnvDir(dir);
    expect(r.ok).toBe(false);
    expect(r.id).toBe('test_env');
    expect(r.envHash).toBeUndefined();
    expect(r.issues).toEqual(
      expect.arrayContaining([
        'starter: folder not found: missing_starter',
        expect.stringMatching(/^assets\.0\.path: assets\/data\.bin has sha256 [0-9a-f]{64}; env\.json says/),
        expect.stringContaining('variant "broken": score.start'),
        'variant "also_broken": scorer.files.0: file not found: scorer/extra.py',
      ]),
    );
    // The same file problem found under each variant is reported once.
    expect(r.issues.filter((i) => i.startsWith('starter:'))).toHaveLength(1);
  });

  it('never throws: no env.json, unreadable JSON', async () => {
    expect(await checkEnvDir(join(dir, 'nothing'))).toMatchObject({ ok: false, issues: [expect.stringContaining('No env.json')] });
    writeFileSync(join(dir, 'env.json'), 'not json');
    expect(await checkEnvDir(dir)).toMatchObject({ ok: false, issues: [expect.stringContaining('not valid JSON')] });
  });
});
