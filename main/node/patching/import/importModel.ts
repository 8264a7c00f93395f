import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { RedeskError } from '../../../common/errors';
import { MODEL_FORMAT, ModelSpecSchema, type ModelSpec } from '../../../common/patching/modelSchema';
import { buildAttnPart, buildEmbedPart, buildMlpPart, buildUnembedPart } from '../onnx/buildParts';
import { encodeOnnxModel } from '../onnx/onnxModel';
import { loadModelDir } from '../model/loadModelDir';
import { loadTokenizer } from '../model/tokenizer';
import type { LoadedModel } from '../model/types';
import type { ModelWeights } from '../model/weights';
import { mapGpt2, mapTlens, type Arch } from './mapWeights';
import { readSafetensors } from './safetensors';

export interface ImportOptions {
  weights: string;
  arch: Arch;
  /** The model folder to write (its parent must exist or be creatable). */
  out: string;
  name?: string;
  /** Needed for gpt2 (heads are fused in c_attn); checked against the weights for tlens. */
  heads?: number;
  /** A Hugging Face tokenizer.json (GPT-2 byte-level BPE), copied into the folder. */
  tokenizer?: string;
  /** A vocab.txt: one token per line, in id order. */
  vocab?: string;
  /** Context length, when the weights have no positional embedding to give it. */
  context?: number;
  notes?: string;
  /** tlens only: the weights were saved with fold_ln, so their layer norms have no weights of their own. */
  foldedLn?: boolean;
  /** Replace an existing model folder at `out`. */
  force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new RedeskError('FILE_NOT_FOUND', `cannot read the ${what} ${path}: ${(e as Error).message}`, { where: path });
  }
}

function mapArch(tensors: Awaited<ReturnType<typeof readSafetensors>>['tensors'], o: ImportOptions): ModelWeights {
  if (o.arch === 'gpt2') {
    if (o.foldedLn) throw new RedeskError('BAD_REQUEST', '--folded-ln applies to --arch tlens only', { where: '--folded-ln' });
    return mapGpt2(tensors, o.heads);
  }
  if (o.arch === 'tlens') {
    const w = mapTlens(tensors, { foldedLn: o.foldedLn });
    if (o.heads !== undefined && o.heads !== w.config.heads) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `--heads ${o.heads} disagrees with the weights (${w.config.heads} heads)`, { where: '--heads' });
    }
    return w;
  }
  throw new RedeskError('BAD_REQUEST', `--arch must be gpt2 or tlens, not ${String(o.arch)}`, { where: '--arch' });
}

/** Writes every part of a model folder for `w` into `dir`, with model.json last. */
export async function writeModelFolder(dir: string, w: ModelWeights, spec: Omit<ModelSpec, 'parts'>): Promise<void> {
  const parts: ModelSpec['parts'] = { embed: 'embed.onnx', attn: [], mlp: [], unembed: 'unembed.onnx' };
  await writeFile(join(dir, parts.embed), encodeOnnxModel(buildEmbedPart(w)));
  for (const [l, b] of w.blocks.entries()) {
    parts.attn.push(`attn${l}.onnx`);
    await writeFile(join(dir, `attn${l}.onnx`), encodeOnnxModel(buildAttnPart(w.config, b, l)));
    if (b.mlp) {
      parts.mlp.push(`mlp${l}.onnx`);
      await writeFile(join(dir, `mlp${l}.onnx`), encodeOnnxModel(buildMlpPart(w.config, { ...b, mlp: b.mlp }, l)));
    }
  }
  await writeFile(join(dir, parts.unembed), encodeOnnxModel(buildUnembedPart(w)));
  const full = ModelSpecSchema.parse({ ...spec, parts });
  await writeFile(join(dir, 'model.json'), JSON.stringify(full, null, 2) + '\n');
}

async function tokenizerSpec(o: ImportOptions, w: ModelWeights, tmp: string): Promise<ModelSpec['tokenizer']> {
  if (o.tokenizer && o.vocab) throw new RedeskError('BAD_REQUEST', 'give --tokenizer or --vocab, not both');
  if (o.tokenizer) {
    await copyFile(o.tokenizer, join(tmp, 'tokenizer.json')).catch((e: Error) => {
      throw new RedeskError('FILE_NOT_FOUND', `cannot read the tokenizer ${o.tokenizer}: ${e.message}`, { where: o.tokenizer });
    });
    return { kind: 'bpe', file: 'tokenizer.json' };
  }
  if (o.vocab) {
    const tokens = (await readInput(o.vocab, 'vocab file')).toString('utf8').split(/\r?\n/);
    while (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop();
    if (tokens.length !== w.config.vocabSize) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `${o.vocab} lists ${tokens.length} tokens, but the embedding has ${w.config.vocabSize} rows`, {
        where: o.vocab,
      });
    }
    const spaced = tokens.find((t) => t.length === 0 || /\s/.test(t));
    if (spaced !== undefined) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `${o.vocab}: tokens must be non-empty and contain no whitespace ("${spaced}")`, { where: o.vocab });
    }
    return { kind: 'vocab', tokens };
  }
  // No tokenizer given: tokens are named by their ids, so prompts are written as "t3 t17 t3".
  return { kind: 'vocab', tokens: Array.from({ length: w.config.vocabSize }, (_, i) => `t${i}`) };
}

/**
 * safetensors → model folder, written in a temporary folder beside `out` and renamed into place, so a failed
 * import leaves nothing half written (and a replaced folder is swapped, not overwritten file by file).
 */
export async function importModel(o: ImportOptions): Promise<LoadedModel> {
  const out = resolve(o.out);
  if ((await exists(out)) && !o.force) {
    throw new RedeskError('BAD_REQUEST', `${out} already exists`, { where: out, hint: 'Pass --force to replace it, or choose another --out.' });
  }
  const bytes = await readInput(o.weights, 'weights file');
  const { tensors } = readSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const w = mapArch(tensors, o);
  if (o.context !== undefined) {
    if (w.W_pos && o.context > w.W_pos.shape[0]!) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `--context ${o.context} is longer than the ${w.W_pos.shape[0]} positional rows`, { where: '--context' });
    }
    w.config.context = o.context;
  }
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.import-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const tokenizer = await tokenizerSpec(o, w, tmp);
    await writeModelFolder(tmp, w, {
      format: MODEL_FORMAT,
      name: o.name ?? basename(out),
      ...w.config,
      tokenizer,
      source: { arch: o.arch, importedFrom: basename(o.weights), sha256: createHash('sha256').update(bytes).digest('hex') },
      ...(o.notes ? { notes: o.notes } : {}),
    });
    // Check what was written as any reader will: the loader, and the tokenizer against the vocab size.
    loadTokenizer(await loadModelDir(tmp));
    if (await exists(out)) {
      const old = `${tmp}.old`;
      await rename(out, old);
      await rename(tmp, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, out);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return loadModelDir(out);
}
