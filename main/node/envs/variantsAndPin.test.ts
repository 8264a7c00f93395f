import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvSchema } from '../../common/envSchema';
import { checkEnvDir } from './checkEnvDir';
import { EnvRegistry } from './EnvRegistry';
import { pinAssets } from './pinAssets';
import { writeTestEnv } from './testEnv';

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-variants-'));
  dir = join(root, 'test_env');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const HELLO_SHA = '84ba19f79faacff0cfa1b992693129dfbb0e18da60c7df0f51bf9a562d1c28f6';

describe('variants', () => {
  it('checkEnvDir checks each variant\'s own instructions, starter and scorer files, naming the variant', async () => {
    writeTestEnv(dir, {
      variants: {
        mini: { instructions: 'mini.md', starter: 'starter_mini', scorer: { argv: ['{python}', 'scorer/mini_score.py'] } },
        full: { hardware: { gpus: 1 } },
      },
      defaultVariant: 'full',
    });
    const r = await checkEnvDir(dir);
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([
      'variant "mini": instructions: file not found: mini.md',
      'variant "mini": starter: folder not found: starter_mini',
      'variant "mini": scorer.argv.1: file not found: scorer/mini_score.py',
    ]);
    writeFileSync(join(dir, 'mini.md'), '# mini\n');
    mkdirSync(join(dir, 'starter_mini'));
    writeFileSync(join(dir, 'scorer', 'mini_score.py'), 'print(1)\n');
    expect(await checkEnvDir(dir)).toMatchObject({ ok: true, issues: [] });
  });

  it('absent and unpinned assets are warnings for the organizer; a wrong hash is an issue', async () => {
    writeTestEnv(dir, {
      variants: { mini: {}, full: { assets: [{ path: 'assets/data.bin', sha256: HELLO_SHA, size: 12 }, { path: 'assets/model.bin', obtain: 'https://example.org' }] } },
    });
    const r = await checkEnvDir(dir);
    expect(r).toMatchObject({ ok: true, issues: [] });
    expect(r.warnings).toEqual(['variant "full": assets.1.path: asset not found: assets/model.bin']);
    writeFileSync(join(dir, 'assets', 'model.bin'), 'weights');
    expect((await checkEnvDir(dir)).warnings).toEqual([expect.stringContaining('assets/model.bin is present but env.json gives no sha256/size')]);
    writeFileSync(join(dir, 'assets', 'data.bin'), 'HELLO asset\n');
    expect((await checkEnvDir(dir)).issues).toEqual([expect.stringContaining('assets/data.bin has sha256')]);
  });

  it('env list shows every variant with its own hardware (a variant without overrides has the top-level one)', async () => {
    writeTestEnv(dir, {
      hardware: { gpus: 1, gpuMemoryGiB: 40, cpus: 8, ramGiB: 32, diskGiB: 10 },
      variants: {
        full: { description: 'the real task', assets: [{ path: 'assets/model.bin' }] },
        mini: { description: 'on a CPU', hardware: { gpus: 0, gpuMemoryGiB: 0, cpus: 2, ramGiB: 2 }, timeLimitMinutes: 20, assets: [] },
      },
      defaultVariant: 'mini',
    });
    const reg = new EnvRegistry({ dirs: [root] });
    const [summary] = await reg.list();
    expect(summary!.error).toBeUndefined();
    expect(summary!.variantDetails).toEqual([
      { name: 'full', description: 'the real task', timeLimitMinutes: 30, hardware: { gpus: 1, gpuMemoryGiB: 40, cpus: 8, ramGiB: 32, diskGiB: 10 }, pythonPackages: [], assets: 1 },
      { name: 'mini', description: 'on a CPU', timeLimitMinutes: 20, hardware: { gpus: 0, gpuMemoryGiB: 0, cpus: 2, ramGiB: 2, diskGiB: 10 }, pythonPackages: [], assets: 0 },
    ]);
    expect((await reg.get('test_env')).variantDetails).toEqual(summary!.variantDetails);
  });
});

describe('variant overrides', () => {
  it('change only the fields they name (no schema default overrides the top level)', async () => {
    writeTestEnv(dir, {
      hardware: { gpus: 1, gpuMemoryGiB: 40, cpus: 8, ramGiB: 32, diskGiB: 10 },
      software: { python: '3.9', pythonPackages: ['numpy', 'torch'] },
      scorer: { argv: ['{python}', 'scorer/score.py'], timeoutSeconds: 1234, visibleToExpert: false, files: ['scorer/score.py'] },
      variants: { mini: { hardware: { gpus: 0 }, software: { python: '3.10' }, scorer: { argv: ['{python}', 'scorer/score.py', '--mini'] } } },
      defaultVariant: 'mini',
    });
    const { loadEnvDir } = await import('./loadEnvDir');
    const env = await loadEnvDir(dir, 'mini', { assets: 'none' });
    expect(env.spec.hardware).toEqual({ gpus: 0, gpuMemoryGiB: 40, cpus: 8, ramGiB: 32, diskGiB: 10 });
    expect(env.spec.software).toEqual({ python: '3.10', pythonPackages: ['numpy', 'torch'], commands: [] });
    expect(env.spec.scorer).toMatchObject({ argv: ['{python}', 'scorer/score.py', '--mini'], timeoutSeconds: 1234, visibleToExpert: false, files: ['scorer/score.py'] });
  });
});

describe('assets an organizer supplies', () => {
  it('the schema takes description and obtain, and sha256/size both or neither', () => {
    const base = { id: 'x_env', version: '1.0.0', title: 't', instructions: 'i.md', timeLimitMinutes: 1, pause: { allowed: false }, starter: 's', scorer: { argv: ['x'] }, score: { direction: 'min', aggregate: 'best', start: 2, reference: 1 } };
    expect(EnvSchema.safeParse({ ...base, assets: [{ path: 'a.bin', description: 'weights', obtain: 'https://x' }] }).success).toBe(true);
    expect(EnvSchema.safeParse({ ...base, assets: [{ path: 'a.bin', sha256: HELLO_SHA }] }).success).toBe(false);
    expect(EnvSchema.safeParse({ ...base, assets: [{ path: '../a.bin' }] }).success).toBe(false);
  });

  it('pin writes sha256 and size of present files into the list the variant uses, and reports absent ones', async () => {
    writeTestEnv(dir, {
      assets: [{ path: 'assets/data.bin', description: 'shared' }],
      variants: { mini: {}, full: { assets: [{ path: 'assets/model.bin', description: 'weights', obtain: 'ask' }, { path: 'assets/absent.bin' }] } },
    });
    writeFileSync(join(dir, 'assets', 'model.bin'), 'weights!');
    const full = await pinAssets(dir, 'full');
    expect(full.written).toBe(true);
    expect(full.assets.map((a) => [a.list, a.path, a.status, a.size])).toEqual([
      ['variants.full.assets', 'assets/model.bin', 'pinned', 8],
      ['variants.full.assets', 'assets/absent.bin', 'missing', undefined],
    ]);
    let json = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    expect(json.variants.full.assets[0]).toMatchObject({ path: 'assets/model.bin', size: 8, description: 'weights', obtain: 'ask', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(json.assets[0].sha256).toBeUndefined();

    // mini has no list of its own: it uses (and pins) the top-level one.
    expect((await pinAssets(dir, 'mini')).assets).toEqual([expect.objectContaining({ list: 'assets', path: 'assets/data.bin', status: 'pinned', sha256: HELLO_SHA, size: 12 })]);
    // Nothing changed: nothing is rewritten. A changed file is re-pinned and the old pin reported.
    expect((await pinAssets(dir)).written).toBe(false);
    writeFileSync(join(dir, 'assets', 'model.bin'), 'weights v2');
    const again = await pinAssets(dir);
    expect(again.assets.find((a) => a.path === 'assets/model.bin')).toMatchObject({ status: 'pinned', size: 10, was: { size: 8 } });
    json = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    expect(json.variants.full.assets[0].size).toBe(10);
    await expect(pinAssets(dir, 'nope')).rejects.toMatchObject({ code: 'ENV_INVALID' });
  });
});
