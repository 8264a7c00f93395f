import { RedeskError } from '../../common/errors';
import { checkKnownData } from '../../common/events/kinds';
import { EVENT_SOURCES } from '../../common/events/record';

const KIND_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const SOURCES = new Set<string>(EVENT_SOURCES);

/**
 * Throws BAD_REQUEST for a record that would break the format: an unknown src, a kind not under its src, data that
 * is not an object or does not fit its known kind, a t that is not a time. Callers are our own services, so this is
 * a programming error caught at its source rather than a record a reader later chokes on.
 */
export function checkAppend(src: string, kind: string, data: unknown, t: number): void {
  if (!SOURCES.has(src)) throw new RedeskError('BAD_REQUEST', `Unknown event source ${JSON.stringify(src)}.`);
  if (!KIND_RE.test(kind) || !kind.startsWith(`${src}.`)) {
    throw new RedeskError('BAD_REQUEST', `Event kind ${JSON.stringify(kind)} must be a dotted lowercase name under "${src}.".`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new RedeskError('BAD_REQUEST', `${kind}: data must be a JSON object.`);
  const problem = checkKnownData(kind, data);
  if (problem) throw new RedeskError('BAD_REQUEST', `${kind}: ${problem}`);
  if (!Number.isFinite(t) || t < 0) throw new RedeskError('BAD_REQUEST', `${kind}: t must be a non-negative number of ms, got ${t}.`);
}
