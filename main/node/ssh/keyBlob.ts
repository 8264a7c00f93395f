import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RedeskError } from '../../common/errors';
import { SshReader } from './sshWire';

const KEY_TYPE = 'ssh-ed25519';
const ED25519_PUBLIC_BYTES = 32;

/** An `ssh-ed25519` public key blob (wire format) as a KeyObject; `fail` makes the error the caller wants. */
export function parseKeyBlob(blob: Buffer, fail: (message: string) => RedeskError): KeyObject {
  const r = new SshReader(blob);
  const type = r.string().toString('utf8');
  const raw = r.string();
  if (!r.done || type !== KEY_TYPE || raw.length !== ED25519_PUBLIC_BYTES) {
    throw fail(type && type !== KEY_TYPE ? `Key type ${type} is not supported (only ${KEY_TYPE}).` : 'The public key blob is malformed.');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}
