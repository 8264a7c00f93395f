/** The metrics of a patched run, read at the last position's next-token logits. */
import type { PatchMetric } from '../../../common/patching/types';

export interface MetricTarget {
  metric: PatchMetric;
  /** Token ids of the correct and the incorrect answer (logit-diff uses both, loss the first, kl neither). */
  answers: [number, number] | null;
  /** The reference (clean) run's logits, for kl. */
  reference: Float32Array;
}

function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(logits, (x) => x - lse);
}

export function metricValue(t: MetricTarget, logits: Float32Array): number {
  if (t.metric === 'logit-diff') return logits[t.answers![0]]! - logits[t.answers![1]]!;
  if (t.metric === 'loss') return -logSoftmax(logits)[t.answers![0]]!;
  // KL(reference ‖ patched) of the next-token distributions.
  const p = logSoftmax(t.reference);
  const q = logSoftmax(logits);
  let kl = 0;
  for (let i = 0; i < p.length; i++) kl += Math.exp(p[i]!) * (p[i]! - q[i]!);
  return kl;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
