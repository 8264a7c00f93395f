/** Score formatting: raw scores keep 4 significant digits, normalized scores 3 decimals. */
export function formatRaw(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return '—';
  // Trailing zeros kept (2.290, not 2.29) so a column of scores lines up and reads at one precision.
  const abs = Math.abs(score);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? score.toExponential(3) : score.toPrecision(4);
}

export function formatNormalized(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  return n.toFixed(3);
}
