import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RedeskError } from '../../../common/errors';
import { ModelSpecSchema, describeModelSpecIssue, type ModelSpec } from '../../../common/patching/modelSchema';
import { QUERY_DIM } from '../onnx/buildParts';
import { decodeOnnxModel, type ElemType, type OnnxModel, type OnnxValueInfo } from '../onnx/onnxModel';
import type { LoadedModel } from './types';

/**
 * Reads and validates a model folder: model.json against its schema, then every ONNX part: present, parseable,
 * with the model format's input and output names, element types and fixed dims (dModel, heads, vocab). Attention
 * parts written before q_in had its own length (`queryTail` false) load too and run with full-length queries.
 */

type Dim = number | 'any';
interface IoSpec {
  name: string;
  elemType: ElemType;
  dims: Dim[];
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export async function readModelSpec(dir: string): Promise<ModelSpec> {
  const file = join(dir, 'model.json');
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory() || !(await isFile(file))) {
    throw new RedeskError('MODEL_NOT_FOUND', `no model folder at ${dir} (model.json not found)`, {
      where: dir,
      hint: 'Pass a folder written by `redesk model import`, or see `redesk model list`.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new RedeskError('MODEL_INVALID', `model.json is not valid JSON: ${(e as Error).message}`, { where: file });
  }
  const parsed = ModelSpecSchema.safeParse(json);
  if (!parsed.success) {
    const { where, message } = describeModelSpecIssue(parsed.error);
    throw new RedeskError('MODEL_INVALID', `model.json: ${message}`, { where, hint: 'Fix the field, or import the model again.' });
  }
  return parsed.data;
}

function fmtDims(dims: (number | string)[]): string {
  return `[${dims.join(', ')}]`;
}

function checkIo(part: string, kind: 'input' | 'output', have: OnnxValueInfo[], want: IoSpec[]): void {
  for (const w of want) {
    const v = have.find((h) => h.name === w.name);
    if (!v) {
      throw new RedeskError('MODEL_SHAPE_MISMATCH', `${part}: no ${kind} named "${w.name}" (it has ${have.map((h) => h.name).join(', ') || 'none'})`, {
        where: part,
        hint: 'The part was not written in the redesk model format; import the model again.',
      });
    }
    const wantDims = w.dims.map((d) => (d === 'any' ? '?' : d));
    const bad =
      v.elemType !== w.elemType ||
      v.dims.length !== w.dims.length ||
      w.dims.some((d, i) => d !== 'any' && v.dims[i] !== d);
    if (bad) {
      throw new RedeskError(
        'MODEL_SHAPE_MISMATCH',
        `${part}: ${kind} "${w.name}" is ${v.elemType} ${fmtDims(v.dims)}, but model.json needs ${w.elemType} ${fmtDims(wantDims)}`,
        { where: part, hint: 'model.json and the ONNX parts disagree; import the model again.' },
      );
    }
  }
}

function expectedIo(spec: ModelSpec): Record<'embed' | 'attn' | 'mlp' | 'unembed', { inputs: IoSpec[]; outputs: IoSpec[] }> {
  const { dModel: d, heads: H, vocabSize: V } = spec;
  const f = 'float32' as const;
  const resid: Dim[] = ['any', 'any', d];
  const perHead: Dim[] = ['any', 'any', H, d];
  return {
    embed: { inputs: [{ name: 'tokens', elemType: 'int64', dims: ['any', 'any'] }], outputs: [{ name: 'resid', elemType: f, dims: resid }] },
    attn: {
      inputs: ['q_in', 'k_in', 'v_in'].map((name) => ({ name, elemType: f, dims: perHead })),
      outputs: [
        { name: 'head_out', elemType: f, dims: perHead },
        { name: 'pattern', elemType: f, dims: ['any', H, 'any', 'any'] },
        { name: 'bias', elemType: f, dims: [d] },
      ],
    },
    mlp: { inputs: [{ name: 'x', elemType: f, dims: resid }], outputs: [{ name: 'out', elemType: f, dims: resid }] },
    unembed: { inputs: [{ name: 'resid', elemType: f, dims: resid }], outputs: [{ name: 'logits', elemType: f, dims: ['any', 'any', V] }] },
  };
}

async function checkPart(dir: string, file: string, label: string, want: { inputs: IoSpec[]; outputs: IoSpec[] }): Promise<OnnxModel> {
  const path = join(dir, file);
  if (!(await isFile(path))) {
    throw new RedeskError('MODEL_PART_MISSING', `${label}: ${file} is missing from ${dir}`, { where: file, hint: 'Import the model again to write every part.' });
  }
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(new Uint8Array(await readFile(path)), { tensorData: false });
  } catch (e) {
    throw new RedeskError('MODEL_BAD_ONNX', `${label}: ${file} is not a readable ONNX model (${(e as Error).message})`, {
      where: file,
      hint: 'The file is damaged or not ONNX; import the model again.',
    });
  }
  checkIo(`${label} (${file})`, 'input', model.graph.inputs, want.inputs);
  checkIo(`${label} (${file})`, 'output', model.graph.outputs, want.outputs);
  return model;
}

export async function loadModelDir(dirIn: string): Promise<LoadedModel> {
  const dir = resolve(dirIn);
  const spec = await readModelSpec(dir);
  const io = expectedIo(spec);
  const embed = await checkPart(dir, spec.parts.embed, 'embed', io.embed);
  const table = embed.graph.initializers.find((t) => t.name === 'W_E');
  if (table && table.dims[0] !== spec.vocabSize) {
    throw new RedeskError('MODEL_SHAPE_MISMATCH', `embed: the embedding has ${table.dims[0]} rows, but model.json says vocabSize ${spec.vocabSize}`, {
      where: spec.parts.embed,
    });
  }
  const rows = embed.graph.initializers.find((t) => t.name === 'W_pos');
  if (rows && rows.dims[0]! < spec.context) {
    throw new RedeskError('MODEL_SHAPE_MISMATCH', `embed: ${rows.dims[0]} positional rows, but model.json says context ${spec.context}`, {
      where: spec.parts.embed,
    });
  }
  let queryTail = true;
  for (const [l, file] of spec.parts.attn.entries()) {
    const attn = await checkPart(dir, file, `attn layer ${l}`, io.attn);
    const dim = (list: OnnxValueInfo[], name: string, i: number): number | string | undefined => list.find((v) => v.name === name)?.dims[i];
    const { inputs, outputs } = attn.graph;
    queryTail &&= dim(inputs, 'q_in', 1) === QUERY_DIM && dim(outputs, 'head_out', 1) === QUERY_DIM && dim(outputs, 'pattern', 2) === QUERY_DIM;
  }
  for (const [l, file] of spec.parts.mlp.entries()) await checkPart(dir, file, `mlp layer ${l}`, io.mlp);
  await checkPart(dir, spec.parts.unembed, 'unembed', io.unembed);
  if (spec.tokenizer.kind === 'bpe' && !(await isFile(join(dir, spec.tokenizer.file)))) {
    throw new RedeskError('MODEL_PART_MISSING', `tokenizer: ${spec.tokenizer.file} is missing from ${dir}`, { where: spec.tokenizer.file });
  }
  return {
    spec,
    dir,
    parts: {
      embed: join(dir, spec.parts.embed),
      attn: spec.parts.attn.map((f) => join(dir, f)),
      mlp: spec.parts.mlp.map((f) => join(dir, f)),
      unembed: join(dir, spec.parts.unembed),
    },
    queryTail,
  };
}
