import type { EventRecord } from '../../common/events/record';
import { HIDDEN_MESSAGE } from './attemptInfo';

/** The values of the named variables that the host's environment sets. */
export function secretValues(names: readonly string[], env: Record<string, string | undefined>): string[] {
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** A scorer.result as an expert may see it in the live panel where the environment hides scores. */
export function hiddenScoreRecord(r: EventRecord): EventRecord {
  if (r.kind !== 'scorer.result' || r.data.errorCode) return r;
  return { ...r, data: { ...r.data, score: null, normalized: null, details: {}, message: HIDDEN_MESSAGE } };
}
