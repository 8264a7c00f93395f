import { sign, verify, type KeyObject } from 'node:crypto';
import { checkpointSigningText } from '../../common/events/checkpointPayload';
import type { Checkpoint } from '../../common/events/record';

/** Ed25519 over the UTF-8 of checkpointSigningText (no pre-hash: Ed25519 hashes internally). */
export function signCheckpoint(fields: Omit<Checkpoint, 'sig'>, attempt: string, privateKey: KeyObject): Checkpoint {
  const sig = sign(null, Buffer.from(checkpointSigningText(fields, attempt), 'utf8'), privateKey).toString('base64');
  return { seq: fields.seq, head: fields.head, t: fields.t, wall: fields.wall, sig };
}

export function checkpointSignatureValid(cp: Checkpoint, attempt: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(checkpointSigningText(cp, attempt), 'utf8'), publicKey, Buffer.from(cp.sig, 'base64'));
  } catch {
    return false;
  }
}
