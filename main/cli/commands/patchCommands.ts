import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { PROVIDERS, type PatchMetric, type PromptPair, type ProviderName, type SweepResult } from '../../common/patching/types';
import { defaultDataDir, packageRoot } from '../../node/appPaths';
import { inductionScores } from '../../node/patching/engine/induction';
import type { PatchEngine } from '../../node/patching/engine/PatchEngine';
import { ModelEngines, providerInfos } from '../../node/patching/patchingApi';
import { fail, print } from '../output';

interface ModelOpts {
  model: string;
  dataDir?: string;
  provider?: string;
  json?: boolean;
}

interface RunOpts extends ModelOpts {
  metric: string;
  answers?: string;
  pairs?: string;
  clean?: string;
  corrupt?: string;
}

/** --model is a model folder, or the id of a shipped or imported model (the same engines the app uses). */
async function withEngine<T>(o: ModelOpts, run: (e: PatchEngine) => Promise<T>): Promise<T> {
  const provider = o.provider === undefined ? undefined : parseProvider(o.provider);
  const engines = new ModelEngines([join(packageRoot(), 'resources', 'models'), join(o.dataDir ?? defaultDataDir(), 'models')], {
    provider,
    log: (line) => process.stderr.write(`redesk: ${line}\n`),
  });
  try {
    const dir = resolve(o.model);
    return await run(existsSync(join(dir, 'model.json')) ? await engines.forDir(dir) : await engines.get(o.model));
  } finally {
    await engines.close();
  }
}

function parseProvider(p: string): ProviderName {
  if ((PROVIDERS as readonly string[]).includes(p)) return p as ProviderName;
  throw new RedeskError('BAD_REQUEST', `--provider must be ${PROVIDERS.join(', ')}, not "${p}"`, { where: '--provider' });
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new RedeskError('FILE_NOT_FOUND', `cannot read the ${what} file ${file}: ${e.message}`, { where: file });
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RedeskError('PATCH_BAD_REQUEST', `the ${what} file ${file} is not JSON: ${(e as Error).message}`, { where: file });
  }
}

function parseAnswers(s: string | undefined): [string, string] | undefined {
  if (s === undefined) return undefined;
  const parts = s.split(',').map((x) => x.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new RedeskError('PATCH_BAD_ANSWER', `--answers takes two tokens separated by a comma ("correct,incorrect"), not "${s}"`, { where: '--answers' });
  }
  return [parts[0]!, parts[1]!];
}

async function runRequest(o: RunOpts): Promise<{ pairs: PromptPair[]; metric: PatchMetric; answers?: [string, string] }> {
  let pairs: PromptPair[];
  if (o.pairs) {
    const list = await readJson(o.pairs, 'pairs');
    if (!Array.isArray(list) || list.some((p) => typeof p?.clean !== 'string' || typeof p?.corrupt !== 'string')) {
      throw new RedeskError('PATCH_BAD_REQUEST', `${o.pairs} must be a JSON list of {"clean", "corrupt", "answers"?}`, { where: o.pairs });
    }
    pairs = list as PromptPair[];
  } else if (o.clean !== undefined && o.corrupt !== undefined) {
    pairs = [{ clean: o.clean, corrupt: o.corrupt }];
  } else {
    throw new RedeskError('PATCH_BAD_REQUEST', 'give --clean and --corrupt, or --pairs <file>');
  }
  return { pairs, metric: o.metric as PatchMetric, answers: parseAnswers(o.answers) };
}

const f = (x: number | null, w = 6): string => (x === null ? '·' : x.toFixed(2)).padStart(w);

function sweepTable(r: SweepResult): string {
  const w = Math.max(6, ...r.receivers.map((x) => x.length + 1));
  const head = ''.padEnd(8) + r.receivers.map((x) => x.padStart(w)).join('');
  const rows = r.senders.map((s, i) => s.padEnd(8) + r.effects[i]!.map((x) => f(x, w)).join(''));
  return [
    `${r.modelId}: ${r.metric} clean ${r.clean.toFixed(4)}, corrupt ${r.corrupt.toFixed(4)} (${r.pairs} pair(s), ${r.positions} positions, ${r.provider}, ${r.elapsedMs.toFixed(0)} ms)`,
    'share of the total effect, sender (row) → receiver (column):',
    head,
    ...rows,
  ].join('\n');
}

function metricOptions(c: Command): Command {
  return c
    .option('--metric <m>', 'logit-diff | loss | kl', 'logit-diff')
    .option('--answers <a,b>', 'correct and incorrect answer tokens (for pairs that give none)')
    .option('--pairs <file>', 'JSON list of {clean, corrupt, answers?}')
    .option('--data-dir <dir>', 'data directory, for imported model ids (default: the OS app-data folder)')
    .option('--provider <p>', 'execution provider: cpu, cuda, dml, coreml (default: REDESK_ORT_PROVIDER or cpu; falls back to cpu)')
    .option('--json', 'print the result as JSON');
}

export function registerPatchCommands(program: Command): void {
  const patch = program.command('patch').description('path patching on a model (offline, onnxruntime)');

  metricOptions(
    patch
      .command('sweep')
      .description('patch every sender into every receiver input (Q, K, V of later heads, MLPs, logits)')
      .requiredOption('--model <dir|id>', 'model folder or model id')
      .option('--clean <text>', 'reference prompt')
      .option('--corrupt <text>', 'counterfactual prompt'),
  ).action(async (o: RunOpts) => {
    try {
      const r = await withEngine(o, async (e) => e.sweep(await runRequest(o)));
      print(!!o.json, r, () => sweepTable(r));
    } catch (e) {
      fail(e, !!o.json);
    }
  });

  metricOptions(
    patch
      .command('explain')
      .description('proportion explained (1 − AUE/ATE) by a set of paths over a dataset of pairs')
      .requiredOption('--model <dir|id>', 'model folder or model id')
      .requiredOption('--paths <file>', 'JSON list of paths, e.g. [["embed", "L0H0", "L1H0.k", "logits"]]'),
  ).action(async (o: RunOpts & { paths: string }) => {
    try {
      const paths = await readJson(o.paths, 'paths');
      if (!Array.isArray(paths)) throw new RedeskError('PATCH_BAD_PATH', `${o.paths} must be a JSON list of paths`, { where: o.paths });
      const r = await withEngine(o, async (e) => e.explain({ ...(await runRequest(o)), paths: paths as string[][] }));
      print(!!o.json, r, () =>
        [
          `${r.modelId}: proportion explained ${r.proportionExplained.toFixed(4)} (ATE ${r.ate.toFixed(4)}, AUE ${r.aue.toFixed(4)}, ${r.metric}, ${r.provider})`,
          'pair   clean  corrupt  patched',
          ...r.perPair.map((p, i) => `${String(i + 1).padStart(4)} ${f(p.clean, 8)} ${f(p.corrupt, 8)} ${f(p.patched, 8)}`),
        ].join('\n'),
      );
    } catch (e) {
      fail(e, !!o.json);
    }
  });

  patch
    .command('attention')
    .description("each head's attention pattern on a prompt")
    .requiredOption('--model <dir|id>', 'model folder or model id')
    .requiredOption('--text <text>', 'the prompt')
    .option('--data-dir <dir>', 'data directory, for imported model ids')
    .option('--provider <p>', 'execution provider: cpu, cuda, dml, coreml')
    .option('--json', 'print JSON')
    .action(async (o: ModelOpts & { text: string }) => {
      try {
        const r = await withEngine(o, (e) => e.attention(o.text));
        print(!!o.json, r, () =>
          r.patterns
            .flatMap((layer, l) =>
              layer.map((rows, h) =>
                [`L${l}H${h}: strongest key per query`, ...rows.map((row, q) => {
                  const k = row.indexOf(Math.max(...row));
                  return `  ${r.tokens[q]!.padEnd(8)} → ${r.tokens[k]!} (${k}) ${row[k]!.toFixed(2)}`;
                })].join('\n'),
              ),
            )
            .join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  patch
    .command('providers')
    .description('the execution providers, and whether each can run here')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const r = providerInfos();
      print(!!o.json, r, () => r.map((p) => `${p.name.padEnd(7)} ${p.available ? 'available' : `not available: ${p.reason}`}`).join('\n'));
    });

  patch
    .command('induction')
    .description("each head's induction score on repeated random token sequences")
    .requiredOption('--model <dir|id>', 'model folder or model id')
    .option('--seed <n>', 'random seed', '0')
    .option('--len <n>', 'length of the repeated segment (default: half the context, at most 20)')
    .option('--samples <n>', 'sequences averaged', '8')
    .option('--data-dir <dir>', 'data directory, for imported model ids')
    .option('--provider <p>', 'execution provider: cpu, cuda, dml, coreml')
    .option('--json', 'print JSON')
    .action(async (o: ModelOpts & { seed: string; len?: string; samples: string }) => {
      try {
        const r = await withEngine(o, (e) => inductionScores(e, { seed: Number(o.seed), len: o.len === undefined ? undefined : Number(o.len), samples: Number(o.samples) }));
        print(!!o.json, r, () =>
          [`induction scores (segment ${r.len}, ${r.samples} samples):`, ...r.scores.map((row, l) => row.map((s, h) => `L${l}H${h} ${s.toFixed(3)}`).join('  '))].join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });
}
