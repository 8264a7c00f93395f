/**
 * Smoke test of the built `redesk model` commands: import a small TransformerLens-style file into the data
 * directory, list it beside the shipped models, and a bad file leaves with its code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../main/node/patching/import/safetensors';
import { tensor, type Tensor } from '../../main/node/patching/model/weights';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');
const work = mkdtempSync(join(tmpdir(), 'redesk-model-smoke-'));
const dataDir = join(work, 'data');

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tinyTlens(): Record<string, Tensor> {
  const d = 6;
  const H = 2;
  const e = 3;
  const V = 4;
  const ramp = (shape: number[]) => tensor(shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + shape.length)));
  const t: Record<string, Tensor> = { 'embed.W_E': ramp([V, d]), 'pos_embed.W_pos': ramp([8, d]), 'unembed.W_U': ramp([d, V]) };
  for (const k of ['W_Q', 'W_K', 'W_V']) t[`blocks.0.attn.${k}`] = ramp([H, d, e]);
  for (const k of ['b_Q', 'b_K', 'b_V']) t[`blocks.0.attn.${k}`] = ramp([H, e]);
  t['blocks.0.attn.W_O'] = ramp([H, e, d]);
  t['blocks.0.attn.b_O'] = ramp([d]);
  return t;
}

beforeAll(() => {
  const cli = join(root, 'dist', 'cli', 'index.js');
  if (!existsSync(cli) || !readFileSync(cli, 'utf8').includes('import and list path-patching models')) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 180_000);

describe('redesk model (built CLI)', () => {
  it('imports weights into <dataDir>/models and lists them beside the shipped models', () => {
    writeFileSync(join(work, 'tiny.safetensors'), writeSafetensors(tinyTlens()));
    writeFileSync(join(work, 'vocab.txt'), 'w\nx\ny\nz\n');
    const r = redesk(['model', 'import', join(work, 'tiny.safetensors'), '--arch', 'tlens', '--vocab', join(work, 'vocab.txt'), '--name', 'Tiny Test', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; spec: { layers: number; heads: number; dModel: number; tokenizer: { tokens: string[] } } };
    expect(out.dir).toBe(join(dataDir, 'models', 'tiny-test'));
    expect(out.spec).toMatchObject({ layers: 1, heads: 2, dModel: 6, tokenizer: { tokens: ['w', 'x', 'y', 'z'] } });

    const list = redesk(['model', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const models = JSON.parse(list.stdout) as { id: string; source: string; error?: unknown }[];
    expect(models.find((m) => m.id === 'tiny-test')).toMatchObject({ source: 'imported' });
    expect(models.find((m) => m.id === 'induction_handbuilt')).toMatchObject({ source: 'shipped' });
    expect(models.every((m) => m.error === undefined)).toBe(true);
  });

  it('a file missing a tensor fails with MODEL_IMPORT_INVALID naming it', () => {
    const t = tinyTlens();
    delete t['blocks.0.attn.W_V'];
    writeFileSync(join(work, 'broken.safetensors'), writeSafetensors(t));
    const r = redesk(['model', 'import', join(work, 'broken.safetensors'), '--arch', 'tlens', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'MODEL_IMPORT_INVALID', message: expect.stringContaining('blocks.0.attn.W_V') });
  });
});
