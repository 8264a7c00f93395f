import { hash, randomBytes, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../common/events/canonicalJson';
import { EVENTS_FORMAT, genesisHeader, type EventsMeta } from '../../common/events/record';
import { EventsMetaSchema } from '../../common/events/schema';
import { formatIssues } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { toOpenSsh } from '../keys/openssh';
import type { LogFs } from './logFs';

/** 16 bytes: enough that a salted digest of a short secret cannot be precomputed. */
const SALT_BYTES = 16;

export function newMeta(attempt: string, publicKey: KeyObject, wallMs: number): EventsMeta {
  return {
    format: EVENTS_FORMAT,
    attempt,
    salt: randomBytes(SALT_BYTES).toString('hex'),
    publicKey: toOpenSsh(publicKey),
    created: new Date(wallMs).toISOString(),
  };
}

/** meta.json, checked; undefined when it does not exist. */
export async function readMeta(fs: LogFs, path: string): Promise<EventsMeta | undefined> {
  const bytes = await fs.readFile(path);
  if (!bytes) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RedeskError('LOG_CORRUPT', `${path} is not JSON.`, { cause: e, where: path });
  }
  const r = EventsMetaSchema.safeParse(parsed);
  if (!r.success) throw new RedeskError('LOG_CORRUPT', `${path}: ${formatIssues(r.error).join('; ')}`, { where: path });
  return r.data as EventsMeta;
}

export async function writeMeta(fs: LogFs, path: string, meta: EventsMeta): Promise<void> {
  await fs.writeFileAtomic(path, `${JSON.stringify(meta, null, 2)}\n`);
}

/** What seq 0's prev must be: the SHA-256 of the canonical genesis header, binding the chain to attempt, salt and key. */
export function genesisHash(meta: EventsMeta): string {
  return hash('sha256', canonicalJson(genesisHeader(meta)), 'hex');
}
