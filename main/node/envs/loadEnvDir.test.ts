import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvInvalidError } from './EnvInvalidError';
import { loadEnvDir } from './loadEnvDir';
import { writeTestEnv } from './testEnv';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redesk-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(variant?: string): Promise<EnvInvalidError & { code: string; where?: string }> {
  try {
    await loadEnvDir(dir, variant);
  } catch (e) {
    return e as EnvInvalidError;
  }
  throw new Error('expected loadEnvDir to throw');
}

describe('loadEnvDir', () => {
  it('loads a valid folder with its default variant applied and instructions read', async () => {
    writeTestEnv(dir);
    const env = await loadEnvDir(dir);
    expect(env.spec.id).toBe('test_env');
    expect(env.variant).toBe('mini');
    expect(env.spec.timeLimitMinutes).toBe(30);
    expect(env.instructionsMarkdown).toBe('# Do the thing\n');
    expect(env.dir).toBe(dir);
    expect(env.envHash).toMatch(/^[0-9a-f]{64}$/);
    expect(env.scorerHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies a named variant', async () => {
    writeTestEnv(dir);
    const env = await loadEnvDir(dir, 'full');
    expect(env.variant).toBe('full');
    expect(env.spec.timeLimitMinutes).toBe(480);
  });

  it('names an unknown variant and the known ones', async () => {
    writeTestEnv(dir);
    const e = await loadError('huge');
    expect(e.code).toBe('ENV_INVALID');
    expect(e.message).toContain('"huge"');
    expect(e.message).toContain('full, mini');
  });

  it('reports a JSON syntax error with the file and the line', async () => {
    writeTestEnv(dir);
    writeFileSync(join(dir, 'env.json'), '{\n  "id": "x",\n  "version": 1.0.0\n}');
    const e = await loadError();
    expect(e.code).toBe('ENV_INVALID');
    expect(e.message).toContain(join(dir, 'env.json'));
    expect(e.message).toMatch(/not valid JSON.*line 3/);
  });

  it('names every bad field, and the first one in `where`', async () => {
    writeTestEnv(dir, { scorer: { argv: ['x'], timeoutSeconds: 'soon' }, timeLimitMinutes: -5, id: 'Bad Id' });
    const e = await loadError();
    expect(e.code).toBe('ENV_INVALID');
    expect(e).toBeInstanceOf(EnvInvalidError);
    expect(e.issues.map((i) => i.split(':')[0]).sort()).toEqual(['id', 'scorer.timeoutSeconds', 'timeLimitMinutes']);
    expect(e.message).toContain('scorer.timeoutSeconds');
    expect(e.message).toContain(join(dir, 'env.json'));
    expect(['id', 'scorer.timeoutSeconds', 'timeLimitMinutes']).toContain(e.where);
  });

  it('rejects a defaultVariant that is not a variant', async () => {
    writeTestEnv(dir, { defaultVariant: 'medium' });
    const e = await loadError();
    expect(e.where).toBe('defaultVariant');
  });

  it('checks a variant again after applying it', async () => {
    writeTestEnv(dir, { score: { direction: 'min', aggregate: 'best', baseline: 'calibrated' }, variants: { odd: { score: { baseline: 'fixed' } } }, defaultVariant: undefined });
    const e = await loadError('odd');
    expect(e.where).toBe('variants.odd');
    expect(e.message).toContain('variant "odd": score.start');
  });

  it('says which of instructions, starter and scorer files are missing', async () => {
    writeTestEnv(dir, { instructions: 'README.md', starter: 'nope', scorer: { argv: ['{python}', 'scorer/missing.py'], files: ['scorer/lib.py'] } });
    const e = await loadError();
    expect(e.code).toBe('ENV_INVALID');
    expect(e.issues).toEqual([
      'instructions: file not found: README.md',
      'starter: folder not found: nope',
      'scorer.files.0: file not found: scorer/lib.py',
      'scorer.argv.1: file not found: scorer/missing.py',
    ]);
    expect(e.where).toBe('instructions');
  });

  it('throws ENV_NOT_FOUND for a folder without env.json', async () => {
    await expect(loadEnvDir(join(dir, 'empty'))).rejects.toMatchObject({ code: 'ENV_NOT_FOUND' });
  });

  it('throws ENV_ASSET_MISSING for a missing asset', async () => {
    writeTestEnv(dir);
    rmSync(join(dir, 'assets', 'data.bin'));
    await expect(loadEnvDir(dir)).rejects.toMatchObject({ code: 'ENV_ASSET_MISSING', where: 'assets.0.path' });
  });

  it('throws ENV_ASSET_HASH_MISMATCH for a changed asset of the same size, and for a different size', async () => {
    writeTestEnv(dir);
    writeFileSync(join(dir, 'assets', 'data.bin'), 'HELLO asset\n');
    await expect(loadEnvDir(dir)).rejects.toMatchObject({ code: 'ENV_ASSET_HASH_MISMATCH', message: expect.stringContaining('sha256') });
    writeFileSync(join(dir, 'assets', 'data.bin'), 'hi\n');
    await expect(loadEnvDir(dir)).rejects.toMatchObject({ code: 'ENV_ASSET_HASH_MISMATCH', message: expect.stringContaining('3 bytes') });
    // Checking sizes only (as listing does) does not read the content.
    writeFileSync(join(dir, 'assets', 'data.bin'), 'HELLO asset\n');
    await expect(loadEnvDir(dir, undefined, { assets: 'size' })).resolves.toMatchObject({ variant: 'mini' });
  });

  describe('hashes', () => {
    it('are deterministic and ignore bytecode caches', async () => {
      writeTestEnv(dir);
      const a = await loadEnvDir(dir);
      mkdirSync(join(dir, 'starter', '__pycache__'));
      writeFileSync(join(dir, 'starter', '__pycache__', 'solution.cpython-311.pyc'), 'junk');
      const b = await loadEnvDir(dir);
      expect(b.envHash).toBe(a.envHash);
      expect(b.scorerHash).toBe(a.scorerHash);
    });

    it('change the env hash with a starter file, and the scorer hash only with the scorer', async () => {
      writeTestEnv(dir);
      const a = await loadEnvDir(dir);
      writeFileSync(join(dir, 'starter', 'extra.txt'), 'more');
      const b = await loadEnvDir(dir);
      expect(b.envHash).not.toBe(a.envHash);
      expect(b.scorerHash).toBe(a.scorerHash);
      writeFileSync(join(dir, 'scorer', 'score.py'), readFileSync(join(dir, 'scorer', 'score.py'), 'utf8') + '# changed\n');
      const c = await loadEnvDir(dir);
      expect(c.scorerHash).not.toBe(b.scorerHash);
      expect(c.envHash).not.toBe(b.envHash);
    });
  });

  it('loads the shipped prefix_sum_mini', async () => {
    const env = await loadEnvDir(fileURLToPath(new URL('../../../envs/prefix_sum_mini', import.meta.url)));
    expect(env.spec).toMatchObject({ id: 'prefix_sum_mini', version: '1.0.0', timeLimitMinutes: 60 });
    expect(env.variant).toBe('mini');
    expect(env.spec.score).toMatchObject({ direction: 'min', aggregate: 'best', baseline: 'calibrated' });
    expect(env.instructionsMarkdown).toContain('def prefix_sum(x: np.ndarray) -> np.ndarray');
  });
});
