/**
 * Environment packs and requirements with the built CLI under plain node, as an organizer and an expert use them:
 * `env pin`, `env check`, `env pack`, `env import` (and a damaged copy refused with its code), `env list`,
 * `preflight --variant full` and a refused `attempt start`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');
const HAS_GPU = spawnSync('nvidia-smi', ['-L']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'redesk-envpack-smoke-'));

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: string[]): T {
  const r = redesk([...args, '--json']);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const errorCode = (args: string[]) => {
  const r = redesk([...args, '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  return JSON.parse(r.stdout).error.code as string;
};

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('redesk env pack / import', () => {
  it('pin, check, pack, import, list; a damaged pack and a second import are refused; full needs its GPU', () => {
    // The organizer's environment: prefix_sum_mini under another id, with a "full" variant that needs a GPU and a model.
    const envDir = join(work, 'packed_env');
    cpSync(join(root, 'envs', 'prefix_sum_mini'), envDir, { recursive: true });
    const spec = JSON.parse(readFileSync(join(envDir, 'env.json'), 'utf8'));
    spec.id = 'packed_env';
    delete spec.$schema;
    spec.variants.full = { description: 'the real thing', hardware: { gpus: 1, gpuMemoryGiB: 80 }, assets: [{ path: 'assets/model.bin', description: 'weights', obtain: 'from the organizer' }] };
    writeFileSync(join(envDir, 'env.json'), JSON.stringify(spec, null, 2));
    mkdirSync(join(envDir, 'assets'));
    writeFileSync(join(envDir, 'assets', 'model.bin'), 'pretend weights\n');

    const check1 = json<{ ok: boolean; warnings: string[] }>(['env', 'check', envDir]);
    expect(check1.ok).toBe(true);
    expect(check1.warnings.join('\n')).toContain('no sha256/size');
    const pinned = json<{ written: boolean; assets: { path: string; status: string; size: number }[] }>(['env', 'pin', envDir, '--variant', 'full']);
    expect(pinned).toMatchObject({ written: true, assets: [{ path: 'assets/model.bin', status: 'pinned', size: 16 }] });
    expect(JSON.parse(readFileSync(join(envDir, 'env.json'), 'utf8')).variants.full.assets[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json<{ warnings: string[] }>(['env', 'check', envDir]).warnings).toEqual([]);

    const orgDir = join(work, 'organizer');
    const organizer = json<{ publicKey: string; keyPath: string }>(['keys', 'init', '--role', 'organizer', '--data-dir', orgDir]);
    const packFile = join(work, 'packed_env.redeskenv');
    const packed = json<{ file: string; manifest: { files: { path: string; kind: string }[] } }>(['env', 'pack', envDir, '--key', organizer.keyPath, '--out', packFile]);
    expect(packed.manifest.files).toContainEqual(expect.objectContaining({ path: 'assets/model.bin', kind: 'asset' }));

    // The expert trusts the organizer for packs only.
    const expertDir = join(work, 'expert');
    mkdirSync(expertDir);
    writeFileSync(join(expertDir, 'allowed_signers'), `organizer@lab namespaces="redesk-envpack" ${organizer.publicKey}\n`);
    const damaged = join(work, 'damaged.redeskenv');
    const bytes = readFileSync(packFile);
    bytes[bytes.indexOf('pretend weights')] ^= 0x20;
    writeFileSync(damaged, bytes);
    expect(errorCode(['env', 'import', damaged, '--data-dir', expertDir])).toBe('PACK_HASH_MISMATCH');

    const installed = json<{ id: string; dir: string; signer: { principals: string[] } }>(['env', 'import', packFile, '--data-dir', expertDir]);
    expect(installed).toMatchObject({ id: 'packed_env', dir: join(expertDir, 'envs', 'packed_env'), signer: { principals: ['organizer@lab'] } });
    expect(errorCode(['env', 'import', packFile, '--data-dir', expertDir])).toBe('PACK_EXISTS');
    expect(redesk(['env', 'import', packFile, '--data-dir', expertDir, '--replace']).code).toBe(0);

    const list = json<{ id: string; variantDetails: { name: string; hardware: { gpus: number }; assets: number }[] }[]>(['env', 'list', '--data-dir', expertDir]);
    expect(list.find((e) => e.id === 'packed_env')?.variantDetails).toEqual([
      expect.objectContaining({ name: 'full', hardware: expect.objectContaining({ gpus: 1 }), assets: 1 }),
      expect.objectContaining({ name: 'mini', hardware: expect.objectContaining({ gpus: 0 }), assets: 0 }),
    ]);

    // On a CPU machine the full variant is refused, naming the GPU; preflight prints the same list.
    if (HAS_GPU) return;
    const pre = redesk(['preflight', 'packed_env', '--variant', 'full', '--data-dir', expertDir]);
    expect(pre.stdout).toContain('ENV_REQUIREMENTS_UNMET');
    expect(pre.stdout).toContain('GPUs: needs 1 with ≥ 80 GiB each');
    expect(pre.stdout).not.toContain('Asset assets/model.bin: needs');
    expect(errorCode(['attempt', 'start', 'packed_env', '--variant', 'full', '--data-dir', expertDir])).toBe('ENV_REQUIREMENTS_UNMET');
    expect(json<{ variant: string }>(['attempt', 'start', 'packed_env', '--variant', 'mini', '--data-dir', expertDir]).variant).toBe('mini');
  }, 240_000);
});
