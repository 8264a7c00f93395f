/**
 * Induction scores: on a random token sequence repeated twice, the mean attention each head pays from a token of the
 * second copy to the position after that token's earlier occurrence (query i attends to key i − len + 1).
 */
import { RedeskError } from '../../../common/errors';
import { forwardCached } from './forward';
import { JobExec, RunControl } from './jobs';
import type { PatchEngine } from './PatchEngine';
import { seededRandom } from '../../../common/seededRandom';

export interface InductionOptions {
  seed?: number;
  /** Length of the random segment; the sequence is twice as long. Default: half the context, at most 20. */
  len?: number;
  /** Number of random sequences averaged. */
  samples?: number;
}

export interface InductionScores {
  len: number;
  samples: number;
  /** scores[layer][head] */
  scores: number[][];
}


export async function inductionScores(engine: PatchEngine, opts: InductionOptions = {}): Promise<InductionScores> {
  const { context, vocabSize } = engine.model.spec;
  const len = opts.len ?? Math.min(20, Math.floor(context / 2));
  const samples = opts.samples ?? 8;
  if (!Number.isInteger(len) || len < 2 || 2 * len > context) {
    throw new RedeskError('PATCH_BAD_REQUEST', `segment length ${len} does not fit: it must be at least 2 and at most half the context (${Math.floor(context / 2)})`);
  }
  const rand = seededRandom(opts.seed ?? 0);
  const seqs = Array.from({ length: samples }, () => {
    const seg = Array.from({ length: len }, () => Math.floor(rand() * vocabSize));
    return [...seg, ...seg];
  });
  const { heads, dModel } = engine.dims;
  const T = 2 * len;
  const cache = await forwardCached(new JobExec(engine.runner, new RunControl(), { heads, dModel, pos: T }), engine.dims, seqs);
  const scores = Array.from({ length: engine.dims.layers }, (_, l) =>
    Array.from({ length: heads }, (_, h) => {
      let sum = 0;
      for (const row of cache.rows) {
        const p = row.patterns[l]![h]!;
        for (let i = len; i < T; i++) sum += p[i * T + (i - len + 1)]!;
      }
      return sum / (samples * len);
    }),
  );
  return { len, samples, scores };
}
