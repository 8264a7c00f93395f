/**
 * The path-patching engine for one loaded model: sweeps, explicit path sets (proportion explained), attention
 * patterns and induction scores, on ORT sessions that live in a worker thread (or in this thread for tests).
 */
import { basename } from 'node:path';
import { RedeskError } from '../../../common/errors';
import type { AttentionResult, ExplainResult, PatchMetric, PromptPair, SweepResult, TokenizedText } from '../../../common/patching/types';
import { loadTokenizer } from '../model';
import type { LoadedModel, Tokenizer } from '../model/types';
import type { ForwardCache, ModelDims } from './forward';
import { ForwardRun, forwardCached, forwardRows } from './forward';
import { expandPath, nodeName, receiverName } from './graph';
import { DEFAULT_LIMITS, JobExec, RunControl } from './jobs';
import type { MemoryLimits } from './jobs';
import type { MetricTarget } from './metrics';
import { mean, metricValue } from './metrics';
import { OrtParts } from './ortParts';
import { pathRows, patchPaths, planPaths } from './pathPatch';
import type { PreparedPair } from './preparePairs';
import { byLength, preparePairs } from './preparePairs';
import { naiveSweep } from './reference';
import type { PartExecutor, RunnerOptions } from './runner';
import { ModelRunner, partPaths, providerFromEnv } from './runner';
import { sweep, sweepCells, sweepRows } from './sweep';
import { WorkerExecutor } from './WorkerExecutor';

export interface EngineOptions extends RunnerOptions {
  /** Run ORT in the calling thread (tests only); the app and the CLI use the worker. */
  inThread?: boolean;
  /** The worker entry (default: dist/node/patchWorker.js). */
  workerEntry?: string;
  idleMs?: number;
  /** Memory per part call and per sweep block (tests make them small to exercise chunking). */
  limits?: MemoryLimits;
}

export interface RunRequest {
  pairs: PromptPair[];
  metric: PatchMetric;
  answers?: [string, string];
}

/** Which input the listed paths get: explain gives them the clean one; a sweep cell the corrupt one. */
export type Treated = 'clean' | 'corrupt';

export class PatchEngine {
  readonly runner: ModelRunner;
  readonly tokenizer: Tokenizer;
  readonly dims: ModelDims;
  readonly modelId: string;
  private readonly limits: MemoryLimits;

  constructor(
    readonly model: LoadedModel,
    opts: EngineOptions = {},
  ) {
    const s = model.spec;
    this.dims = { layers: s.layers, heads: s.heads, dModel: s.dModel, mlp: s.mlp };
    this.modelId = basename(model.dir);
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.tokenizer = loadTokenizer(model);
    const ropts: RunnerOptions = { provider: opts.provider ?? providerFromEnv(), threads: opts.threads, log: opts.log };
    const exec: PartExecutor = opts.inThread
      ? new OrtParts(partPaths(model), ropts)
      : new WorkerExecutor(partPaths(model), { ...ropts, entry: opts.workerEntry, idleMs: opts.idleMs });
    this.runner = new ModelRunner(exec, { heads: s.heads, dModel: s.dModel, vocabSize: s.vocabSize });
  }

  tokenize(text: string): TokenizedText {
    return this.tokenizer.encode(text);
  }

  prepare(req: RunRequest): PreparedPair[] {
    return preparePairs(this.tokenizer, this.model.spec.context, req);
  }

  /**
   * `lastOnly`: the run needs only the last position's logits (sweeps, path sets), so the last layer computes only
   * the last position where the model's attention parts allow it; attention patterns and the naive baseline need all.
   */
  private exec(ctl: RunControl, pos: number, lastOnly: boolean): JobExec {
    const tailLayer = lastOnly && this.model.queryTail ? this.dims.layers - 1 : undefined;
    return new JobExec(this.runner, ctl, { heads: this.dims.heads, dModel: this.dims.dModel, pos, tailLayer }, this.limits);
  }

  /** Clean rows first, then corrupt rows, in one batched forward pass. */
  private async cache(exec: JobExec, group: PreparedPair[]): Promise<ForwardCache> {
    return forwardCached(exec, this.dims, [...group.map((p) => p.clean), ...group.map((p) => p.corrupt)]);
  }

  private targets(cache: ForwardCache, group: PreparedPair[], metric: PatchMetric): MetricTarget[] {
    return group.map((p, i) => ({ metric, answers: p.answers, reference: cache.rows[i]!.logits }));
  }

  async sweep(req: RunRequest, ctl = new RunControl()): Promise<SweepResult> {
    const t0 = performance.now();
    const prepared = this.prepare(req);
    const { senders: S, receivers: R, live } = sweepCells(this.dims);
    const perPair: { clean: number; corrupt: number; cells: (number | null)[][] }[] = [];
    const groups = byLength(prepared);
    ctl.total = groups.reduce((n, g) => n + forwardRows(this.dims, 2 * g.length) + sweepRows(this.dims, g.length, g[0]!.clean.length, this.limits), 0);
    for (const group of groups) {
      const exec = this.exec(ctl, group[0]!.clean.length, true);
      // The clean and corrupt forward pass runs inside the sweep's own part calls (one call per part, not two).
      const fwd = await ForwardRun.start(exec, this.dims, [...group.map((p) => p.clean), ...group.map((p) => p.corrupt)], false);
      const n = group.length;
      const rows = fwd.rows;
      const pairs = group.map((p, i) => ({ clean: rows[i]!, corrupt: rows[n + i]!, metric: req.metric, answers: p.answers }));
      const grids = await sweep(exec, this.dims, pairs, fwd);
      const targets = this.targets({ rows, bias: exec.bias }, group, req.metric);
      group.forEach((_, i) => {
        const t = targets[i]!;
        perPair.push({ clean: metricValue(t, rows[i]!.logits), corrupt: metricValue(t, rows[n + i]!.logits), cells: grids[i]! });
      });
    }
    const clean = mean(perPair.map((p) => p.clean));
    const corrupt = mean(perPair.map((p) => p.corrupt));
    const cells = S.map((_, s) => R.map((_, r) => (live[s]![r] ? mean(perPair.map((p) => p.cells[s]![r]!)) : null)));
    const total = corrupt - clean;
    return {
      modelId: this.modelId,
      provider: this.runner.provider(),
      metric: req.metric,
      pairs: prepared.length,
      positions: Math.max(...prepared.map((p) => p.clean.length)),
      senders: S.map(nodeName),
      receivers: R.map(receiverName),
      clean,
      corrupt,
      cells,
      effects: cells.map((row) => row.map((c) => (c === null ? null : total === 0 ? 0 : (c - clean) / total))),
      elapsedMs: performance.now() - t0,
    };
  }

  /** The metric of each pair's patched run: the listed paths get `treated`'s input, everything else the other. */
  async pathMetrics(req: RunRequest & { paths: string[][] }, treated: Treated, ctl = new RunControl()): Promise<{ pair: PreparedPair; clean: number; corrupt: number; patched: number }[]> {
    const prepared = this.prepare(req);
    if (!Array.isArray(req.paths) || req.paths.length === 0) throw new RedeskError('PATCH_BAD_PATH', 'no paths given', { where: 'paths' });
    const expanded = [...new Map(req.paths.flatMap((p) => expandPath(this.dims, p)).map((p) => [p.join('>'), p])).values()];
    const plan = planPaths(this.dims, expanded);
    const out: { pair: PreparedPair; clean: number; corrupt: number; patched: number }[] = [];
    const groups = byLength(prepared);
    ctl.total = groups.reduce((n, g) => n + forwardRows(this.dims, 2 * g.length) + pathRows(this.dims, plan, g.length), 0);
    for (const group of groups) {
      const exec = this.exec(ctl, group[0]!.clean.length, true);
      const cache = await this.cache(exec, group);
      const targets = this.targets(cache, group, req.metric);
      const n = group.length;
      const rows = group.map((_, i) => {
        const [c, k] = [cache.rows[i]!, cache.rows[n + i]!];
        return treated === 'clean' ? { treated: c, base: k, target: targets[i]! } : { treated: k, base: c, target: targets[i]! };
      });
      const patched = await patchPaths(exec, this.dims, rows, plan);
      group.forEach((pair, i) => {
        const t = targets[i]!;
        out.push({ pair, clean: metricValue(t, cache.rows[i]!.logits), corrupt: metricValue(t, cache.rows[n + i]!.logits), patched: patched[i]! });
      });
    }
    return out.sort((a, b) => a.pair.index - b.pair.index);
  }

  /**
   * Proportion explained (the paper's 1 − AUE/ATE) with the listed paths given the clean (reference) input and
   * everything else the corrupt one. Averaging: the ratio of the means over the pairs, 1 − mean(AUE) / mean(ATE),
   * where per pair ATE = m(clean) − m(corrupt) and AUE = m(clean) − m(patched).
   */
  async explain(req: RunRequest & { paths: string[][] }, ctl = new RunControl()): Promise<ExplainResult> {
    const t0 = performance.now();
    const rows = await this.pathMetrics(req, 'clean', ctl);
    const ate = mean(rows.map((r) => r.clean - r.corrupt));
    const aue = mean(rows.map((r) => r.clean - r.patched));
    if (Math.abs(ate) < 1e-9) {
      throw new RedeskError('PATCH_BAD_REQUEST', `the clean and corrupt prompts give the same ${req.metric} (total effect 0): there is nothing to explain`, {
        hint: 'Choose a counterfactual that changes the metric.',
      });
    }
    return {
      modelId: this.modelId,
      provider: this.runner.provider(),
      metric: req.metric,
      proportionExplained: 1 - aue / ate,
      ate,
      aue,
      perPair: rows.map((r) => ({ clean: r.clean, corrupt: r.corrupt, patched: r.patched })),
      elapsedMs: performance.now() - t0,
    };
  }

  async attention(text: string): Promise<AttentionResult> {
    const tok = this.tokenize(text);
    if (tok.ids.length === 0) throw new RedeskError('PATCH_BAD_REQUEST', 'the prompt is empty');
    const ctx = this.model.spec.context;
    if (tok.ids.length > ctx) {
      throw new RedeskError('PATCH_PROMPT_TOO_LONG', `the prompt is ${tok.ids.length} tokens; the model's context is ${ctx}`, { hint: `Shorten the prompt to at most ${ctx} tokens.` });
    }
    const T = tok.ids.length;
    const cache = await forwardCached(this.exec(new RunControl(), T, false), this.dims, [tok.ids]);
    const patterns = cache.rows[0]!.patterns.map((layer) => layer.map((p) => Array.from({ length: T }, (_, q) => Array.from(p.subarray(q * T, (q + 1) * T)))));
    return { tokens: tok.tokens, patterns };
  }

  /** The naive sweep of one pair (one full forward pass per cell), for the benchmark and the tests. */
  async naiveSweep(req: RunRequest): Promise<(number | null)[][]> {
    const [pair] = this.prepare(req);
    const cache = await forwardCached(this.exec(new RunControl(), pair!.clean.length, false), this.dims, [pair!.clean, pair!.corrupt]);
    const target: MetricTarget = { metric: req.metric, answers: pair!.answers, reference: cache.rows[0]!.logits };
    return naiveSweep(this.runner, this.dims, cache, pair!.clean, target);
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}
