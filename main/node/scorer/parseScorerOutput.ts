export type ParsedScorerOutput =
  | { ok: true; score: number | null; message: string; details: Record<string, unknown> }
  | { ok: false; reason: string; lastLine: string };

/**
 * The scorer's verdict: its last non-empty stdout line as JSON `{score, message, details}`, where score is a
 * finite number or null. Lines before it are the scorer's own chatter and are ignored.
 */
export function parseScorerOutput(stdout: string): ParsedScorerOutput {
  const lastLine = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop() ?? '';
  if (!lastLine) return { ok: false, reason: 'it printed nothing on stdout', lastLine };
  let value: unknown;
  try {
    value = JSON.parse(lastLine);
  } catch {
    return { ok: false, reason: 'its last line is not JSON (NaN and Infinity are not JSON either)', lastLine };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'its last line is JSON but not an object', lastLine };
  }
  const o = value as Record<string, unknown>;
  if (!('score' in o)) return { ok: false, reason: 'its result has no "score" field', lastLine };
  const score = o.score;
  if (score !== null && !(typeof score === 'number' && Number.isFinite(score))) {
    return { ok: false, reason: `its "score" is ${JSON.stringify(score)}; expected a finite number or null`, lastLine };
  }
  const message = typeof o.message === 'string' ? o.message : o.message === undefined ? '' : JSON.stringify(o.message);
  const details =
    typeof o.details === 'object' && o.details !== null && !Array.isArray(o.details)
      ? (o.details as Record<string, unknown>)
      : o.details === undefined
        ? {}
        : { value: o.details };
  return { ok: true, score, message, details };
}

/** details.baseline as the app uses it, when both numbers are there, finite and different. */
export function baselineOf(details: Record<string, unknown>): { start: number; reference: number } | undefined {
  const b = details.baseline as { start?: unknown; reference?: unknown } | undefined;
  if (typeof b !== 'object' || b === null) return undefined;
  const { start, reference } = b;
  if (typeof start !== 'number' || typeof reference !== 'number') return undefined;
  if (!Number.isFinite(start) || !Number.isFinite(reference) || start === reference) return undefined;
  return { start, reference };
}
