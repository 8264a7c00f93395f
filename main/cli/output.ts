import { toErrorData } from '../common/errors';

/** Prints a value as JSON (for scripts and agents) or as the human line the caller formats. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

/** Every failure leaves with its stable code: `redesk: CODE: message` (or {"error": {...}} with --json), exit 1. */
export function fail(e: unknown, json: boolean): never {
  const data = toErrorData(e);
  if (json) process.stdout.write(JSON.stringify({ error: data }, null, 2) + '\n');
  else process.stderr.write(`redesk: ${data.code}: ${data.message}${data.hint ? `\n  ${data.hint}` : ''}\n`);
  process.exit(1);
}

export function fmtMs(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function fmtScore(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}
