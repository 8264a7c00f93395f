import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../appPaths';
import { listModels } from './listModels';
import { loadModelDir } from './loadModelDir';

const shipped = join(packageRoot(), 'resources', 'models', 'induction_handbuilt');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'redesk-models-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of the shipped hand-built model, to break in one way. */
async function copyModel(name: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(shipped, dir, { recursive: true });
  return dir;
}

async function editSpec(dir: string, edit: (spec: Record<string, unknown>) => void): Promise<void> {
  const spec = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  edit(spec);
  await writeFile(join(dir, 'model.json'), JSON.stringify(spec));
}

describe('loadModelDir', () => {
  it('loads the shipped hand-built model with absolute part paths', async () => {
    const m = await loadModelDir(shipped);
    expect(m.spec).toMatchObject({ layers: 2, heads: 2, dModel: 80, context: 32, vocabSize: 16, mlp: false });
    expect(m.parts.attn).toEqual([join(shipped, 'attn0.onnx'), join(shipped, 'attn1.onnx')]);
    expect(m.parts.unembed).toBe(join(shipped, 'unembed.onnx'));
    // Written by the current builder: its attention parts take queries for the last positions only.
    expect(m.queryTail).toBe(true);
  });

  it('MODEL_NOT_FOUND for a folder without model.json', async () => {
    await expect(loadModelDir(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('MODEL_PART_MISSING names the missing part', async () => {
    const dir = await copyModel('missing');
    await unlink(join(dir, 'attn1.onnx'));
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_PART_MISSING', message: expect.stringContaining('attn1.onnx') });
  });

  it('MODEL_BAD_ONNX for a part that is garbage bytes', async () => {
    const dir = await copyModel('garbage');
    await writeFile(join(dir, 'unembed.onnx'), Buffer.from('this is not a protobuf \u00ff\u00fe\u0007', 'latin1'));
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_BAD_ONNX', message: expect.stringContaining('unembed.onnx') });
  });

  it('MODEL_SHAPE_MISMATCH when model.json and a part disagree', async () => {
    const dir = await copyModel('shape');
    await editSpec(dir, (s) => {
      s.heads = 4;
    });
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_SHAPE_MISMATCH', message: expect.stringMatching(/attn layer 0.*q_in.*\[\?, \?, 4, 80\]/) });
    const other = await copyModel('swapped');
    // An embedding where an attention layer should be: wrong input names.
    await cp(join(other, 'embed.onnx'), join(other, 'attn0.onnx'));
    await expect(loadModelDir(other)).rejects.toMatchObject({ code: 'MODEL_SHAPE_MISMATCH', message: expect.stringContaining('no input named "q_in"') });
  });

  it('MODEL_SHAPE_MISMATCH when vocabSize disagrees with the embedding', async () => {
    const dir = await copyModel('vocab');
    await editSpec(dir, (s) => {
      s.vocabSize = 17;
      (s.tokenizer as { tokens: string[] }).tokens.push('q');
    });
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_SHAPE_MISMATCH' });
  });

  it('MODEL_INVALID names the field of a bad model.json, or says it is not JSON', async () => {
    const dir = await copyModel('badjson');
    await editSpec(dir, (s) => {
      s.layers = 'two';
    });
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', where: 'layers', message: expect.stringContaining('layers') });
    await writeFile(join(dir, 'model.json'), '{ "format": ');
    await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('not valid JSON') });
  });
});

describe('listModels', () => {
  it('lists shipped and imported models, broken ones with their error', async () => {
    const imported = join(tmp, 'imported');
    await cp(shipped, join(imported, 'good'), { recursive: true });
    await cp(shipped, join(imported, 'broken'), { recursive: true });
    await unlink(join(imported, 'broken', 'embed.onnx'));
    const list = await listModels([join(packageRoot(), 'resources', 'models'), imported]);
    const byId = new Map(list.map((m) => [m.id, m]));
    expect(byId.get('induction_handbuilt')).toMatchObject({ source: 'shipped', layers: 2, heads: 2, tokenizer: 'vocab' });
    expect(byId.get('induction_handbuilt')!.error).toBeUndefined();
    expect(byId.get('good')).toMatchObject({ source: 'imported', name: 'Hand-built induction (2 layers)' });
    expect(byId.get('broken')).toMatchObject({ source: 'imported', error: { code: 'MODEL_PART_MISSING' } });
  });
});
