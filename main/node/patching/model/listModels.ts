import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { toErrorData } from '../../../common/errors';
import type { ModelSummary } from '../../../common/patching/types';
import { loadModelDir, readModelSpec } from './loadModelDir';

/**
 * Every model folder inside `dirs`: the first is the shipped models' folder (resources/models), the others hold the
 * user's imported ones (<dataDir>/models). A folder that does not load is listed with its error so the user sees
 * why; a folder name already taken by an earlier model is listed as an error too (ids must be unique).
 */
export async function listModels(dirs: string[]): Promise<ModelSummary[]> {
  const out: ModelSummary[] = [];
  const seen = new Set<string>();
  for (const [i, parent] of dirs.entries()) {
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    const source = i === 0 ? 'shipped' : 'imported';
    for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = resolve(join(parent, e.name));
      out.push(await summarize(dir, source, seen));
    }
  }
  return out;
}

async function summarize(dir: string, source: ModelSummary['source'], seen: Set<string>): Promise<ModelSummary> {
  const id = basename(dir);
  const blank: ModelSummary = {
    id,
    name: id,
    dir,
    source,
    layers: 0,
    heads: 0,
    dModel: 0,
    dHead: 0,
    context: 0,
    vocabSize: 0,
    mlp: false,
    normalization: 'none',
    positional: 'none',
    tokenizer: 'vocab',
  };
  let summary = blank;
  try {
    const spec = await readModelSpec(dir);
    summary = {
      ...blank,
      name: spec.name,
      layers: spec.layers,
      heads: spec.heads,
      dModel: spec.dModel,
      dHead: spec.dHead,
      context: spec.context,
      vocabSize: spec.vocabSize,
      mlp: spec.mlp,
      normalization: spec.normalization,
      positional: spec.positional,
      tokenizer: spec.tokenizer.kind,
    };
    if (seen.has(id)) {
      return { ...summary, error: { code: 'MODEL_INVALID', message: `another model folder is already named "${id}"; rename one of them` } };
    }
    seen.add(id);
    await loadModelDir(dir);
    return summary;
  } catch (e) {
    const { code, message } = toErrorData(e);
    return { ...summary, error: { code, message } };
  }
}
