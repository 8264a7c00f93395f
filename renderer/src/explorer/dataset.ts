/** A dataset of prompt pairs loaded from a JSON file: `[{ clean, corrupt, answers? }]`, checked before use. */
import type { PromptPair } from '../../../main/common/patching/types';

export type ParsedDataset = { ok: true; pairs: PromptPair[] } | { ok: false; error: string };

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

export function parseDataset(text: string): ParsedDataset {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!Array.isArray(data)) return { ok: false, error: `Expected an array of {clean, corrupt, answers?}, got ${describe(data)}` };
  if (data.length === 0) return { ok: false, error: 'The dataset has no pairs' };
  const pairs: PromptPair[] = [];
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as Record<string, unknown> | null;
    const where = `Pair ${i + 1}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return { ok: false, error: `${where}: expected an object, got ${describe(item)}` };
    if (typeof item.clean !== 'string' || item.clean === '') return { ok: false, error: `${where}: "clean" must be a non-empty string` };
    if (typeof item.corrupt !== 'string' || item.corrupt === '') return { ok: false, error: `${where}: "corrupt" must be a non-empty string` };
    const pair: PromptPair = { clean: item.clean, corrupt: item.corrupt };
    if (item.answers !== undefined) {
      const a = item.answers;
      if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'string' || typeof a[1] !== 'string' || a[0] === '' || a[1] === '') {
        return { ok: false, error: `${where}: "answers" must be two non-empty strings [correct, incorrect]` };
      }
      pair.answers = [a[0], a[1]];
    }
    pairs.push(pair);
  }
  return { ok: true, pairs };
}
