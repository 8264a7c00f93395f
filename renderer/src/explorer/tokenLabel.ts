/** A token as shown on a chip or an axis: whitespace made visible, long tokens shortened. */
export function tokenLabel(token: string, max = 14): string {
  if (token === '') return '∅';
  const shown = token.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥').replace(/\r/g, '␍');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

/** Axis labels for a tokenised text: position and token, so repeated tokens stay apart (`3 B`). */
export function axisLabels(tokens: readonly string[], max = 10): string[] {
  return tokens.map((t, i) => `${i} ${tokenLabel(t, max)}`);
}
