import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { modelJsonSchema } from '../../common/patching/modelSchema';
import { defaultDataDir, packageRoot } from '../../node/appPaths';
import { importModel } from '../../node/patching/import/importModel';
import type { Arch } from '../../node/patching/import/mapWeights';
import { listModels } from '../../node/patching/model';
import { fail, print } from '../output';

interface ImportFlags {
  arch?: string;
  out?: string;
  name?: string;
  heads?: string;
  tokenizer?: string;
  vocab?: string;
  context?: string;
  notes?: string;
  foldedLn?: boolean;
  force?: boolean;
  dataDir?: string;
  json?: boolean;
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RedeskError('BAD_REQUEST', `${flag} must be a positive integer, not "${v}"`, { where: flag });
  return n;
}

/** A folder name from a model name: lowercase letters, digits, "-" and "_". */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('import and list path-patching models');

  model
    .command('import <weights>')
    .description('turn a .safetensors file (GPT-2 or TransformerLens names) into a redesk model folder')
    .requiredOption('--arch <arch>', 'gpt2 (Hugging Face GPT-2 names) or tlens (TransformerLens state dict)')
    .option('--out <dir>', 'the model folder to write (default: <dataDir>/models/<name>)')
    .option('--name <name>', 'display name (default: the weights file name)')
    .option('--heads <n>', 'attention heads per layer (needed for gpt2)')
    .option('--tokenizer <file>', 'a Hugging Face tokenizer.json (GPT-2 byte-level BPE), copied into the folder')
    .option('--vocab <file>', 'a vocab.txt, one token per line in id order')
    .option('--context <n>', 'context length, for models without positional embeddings')
    .option('--notes <text>', 'free text kept in model.json')
    .option('--folded-ln', 'tlens weights saved with fold_ln: layer norms without weights (LNPre)')
    .option('--force', 'replace an existing folder at --out')
    .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
    .option('--json', 'print JSON')
    .action(async (weights: string, o: ImportFlags) => {
      try {
        if (o.arch !== 'gpt2' && o.arch !== 'tlens') {
          throw new RedeskError('BAD_REQUEST', `--arch must be gpt2 or tlens, not "${o.arch}"`, { where: '--arch' });
        }
        const name = o.name ?? weights.replace(/^.*[\\/]/, '').replace(/\.safetensors$/, '');
        const out = resolve(o.out ?? join(o.dataDir ?? defaultDataDir(), 'models', slug(name)));
        const loaded = await importModel({
          weights: resolve(weights),
          arch: o.arch as Arch,
          out,
          name,
          heads: positiveInt('--heads', o.heads),
          tokenizer: o.tokenizer && resolve(o.tokenizer),
          vocab: o.vocab && resolve(o.vocab),
          context: positiveInt('--context', o.context),
          notes: o.notes,
          foldedLn: o.foldedLn,
          force: o.force,
        });
        const s = loaded.spec;
        print(!!o.json, { dir: loaded.dir, spec: s }, () =>
          `imported ${s.name} to ${loaded.dir}: ${s.layers} layers × ${s.heads} heads, dModel ${s.dModel}, dHead ${s.dHead}, ` +
          `context ${s.context}, vocab ${s.vocabSize}, ${s.mlp ? 'with MLPs' : 'attention only'}, normalization ${s.normalization}`,
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  model
    .command('list')
    .description('list the shipped models and the imported ones')
    .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      try {
        const list = await listModels([join(packageRoot(), 'resources', 'models'), join(o.dataDir ?? defaultDataDir(), 'models')]);
        print(!!o.json, list, () =>
          list.length === 0
            ? 'no models'
            : list
                .map((m) =>
                  m.error
                    ? `${m.id}  INVALID  ${m.error.code}: ${m.error.message}`
                    : `${m.id}  ${m.name}  (${m.source}; ${m.layers}L × ${m.heads}H, dModel ${m.dModel}, ${m.mlp ? 'MLP' : 'attn-only'}, ${m.tokenizer})`,
                )
                .join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  model
    .command('schema')
    .description('print the model.json JSON Schema (or write it with --out)')
    .option('--out <file>', 'write to this file')
    .action(async (o: { out?: string }) => {
      const text = JSON.stringify(modelJsonSchema(), null, 2) + '\n';
      if (o.out) await writeFile(o.out, text);
      else process.stdout.write(text);
    });
}
