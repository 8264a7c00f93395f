import { createHash } from 'node:crypto';
import { RedeskError } from '../../common/errors';
import { PASTE_CONTENT_MAX } from '../../common/events/kinds';
import { checkAppend } from '../recorder/appendRules';

/** One recordEvents call carries at most this much (JSON, after pastes are cut): the renderer sends small batches. */
export const CLIENT_BATCH_MAX_BYTES = 1024 * 1024;
export const CLIENT_BATCH_MAX_EVENTS = 10_000;

/** Only the host writes these: a client cannot claim a start, a pause, a submit or a recovery. */
const HOST_ONLY_KINDS = new Set(['app.start', 'app.pause', 'app.resume', 'app.submit', 'app.expired', 'app.recovered']);

export interface CheckedClientEvent {
  src: 'editor' | 'app';
  kind: string;
  data: Record<string, unknown>;
}

/**
 * Validates a batch of renderer records before any is written (a bad batch writes nothing): src editor or app, a
 * kind under it that the host does not own, data an object that fits its known kind. A paste's content is cut to
 * PASTE_CONTENT_MAX with `truncated: true`; its length and sha256 are computed from the content when not given.
 */
export function checkClientEvents(events: unknown): CheckedClientEvent[] {
  if (!Array.isArray(events)) throw bad('events must be an array of {src, kind, data}.');
  if (events.length > CLIENT_BATCH_MAX_EVENTS) throw bad(`A batch holds at most ${CLIENT_BATCH_MAX_EVENTS} events; this one has ${events.length}.`);
  const out = events.map(checkOne);
  const bytes = Buffer.byteLength(JSON.stringify(out));
  if (bytes > CLIENT_BATCH_MAX_BYTES) throw bad(`A batch holds at most ${CLIENT_BATCH_MAX_BYTES} bytes of JSON; this one has ${bytes}. Send smaller batches.`);
  return out;
}

function checkOne(e: unknown, i: number): CheckedClientEvent {
  const at = `events[${i}]`;
  if (!isPlainObject(e)) throw bad(`${at} must be an object {src, kind, data}.`);
  const { src, kind, data } = e;
  if (src !== 'editor' && src !== 'app') throw bad(`${at}.src must be "editor" or "app", not ${JSON.stringify(src)}.`);
  if (typeof kind !== 'string' || !kind.startsWith(`${src}.`)) throw bad(`${at}.kind must start with "${src}.", not ${JSON.stringify(kind)}.`);
  if (HOST_ONLY_KINDS.has(kind)) throw bad(`${at}: ${kind} is written by the host only.`);
  if (!isPlainObject(data)) throw bad(`${at}.data must be a JSON object.`);
  const d = kind === 'app.paste' ? normalizePaste(data) : data;
  try {
    checkAppend(src, kind, d, 0);
  } catch (err) {
    throw bad(`${at}: ${(err as Error).message}`);
  }
  return { src, kind, data: d };
}

function normalizePaste(data: Record<string, unknown>): Record<string, unknown> {
  const content = data.content;
  if (typeof content !== 'string') return data;
  const d = { ...data };
  d.length ??= content.length;
  d.sha256 ??= createHash('sha256').update(content, 'utf8').digest('hex');
  if (content.length > PASTE_CONTENT_MAX) {
    d.content = cutUtf16(content, PASTE_CONTENT_MAX);
    d.truncated = true;
  }
  return d;
}

/** The first `max` UTF-16 units, without leaving half of a surrogate pair at the end. */
function cutUtf16(s: string, max: number): string {
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function bad(message: string): RedeskError {
  return new RedeskError('BAD_REQUEST', `Not recorded: ${message}`, { hint: 'Nothing in this batch was written; fix the event and send it again.' });
}
