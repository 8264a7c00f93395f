import { createPublicKey, hash, type KeyObject } from 'node:crypto';
import { RedeskError } from '../../common/errors';

/** OpenSSH's name for the key type; also the first string inside the wire-format key blob. */
const KEY_TYPE = 'ssh-ed25519';
const ED25519_PUBLIC_BYTES = 32;

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new RedeskError('KEY_INVALID', `Expected an Ed25519 key, got ${publicKey.asymmetricKeyType ?? publicKey.type}.`);
  }
  const jwk = publicKey.type === 'private' ? createPublicKey(publicKey).export({ format: 'jwk' }) : publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** RFC 4253 wire format: string "ssh-ed25519", string <32 bytes>, each a uint32 length then the bytes. */
export function sshKeyBlob(publicKey: KeyObject): Buffer {
  return Buffer.concat([sshString(Buffer.from(KEY_TYPE)), sshString(rawPublicKey(publicKey))]);
}

/** `ssh-ed25519 AAAA… comment`, as in an authorized_keys or allowed_signers file; no comment when it is empty. */
export function toOpenSsh(publicKey: KeyObject, comment = ''): string {
  const line = `${KEY_TYPE} ${sshKeyBlob(publicKey).toString('base64')}`;
  return comment ? `${line} ${comment}` : line;
}

/** `SHA256:<base64 without padding>` of the key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(publicKey: KeyObject): string {
  return `SHA256:${hash('sha256', sshKeyBlob(publicKey), 'base64').replace(/=+$/, '')}`;
}

/** Reads `ssh-ed25519 AAAA… [comment]` back into a public key. */
export function parseOpenSsh(line: string): KeyObject {
  const [type, b64] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || !b64) throw new RedeskError('KEY_INVALID', 'Not an OpenSSH Ed25519 public key (expected "ssh-ed25519 AAAA…").');
  const blob = Buffer.from(b64, 'base64');
  const [name, rest] = readSshString(blob, 0);
  const [raw, end] = readSshString(blob, rest);
  if (name.toString() !== KEY_TYPE || raw.length !== ED25519_PUBLIC_BYTES || end !== blob.length) {
    throw new RedeskError('KEY_INVALID', 'The OpenSSH public key blob is malformed.');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** A public key given as an OpenSSH line, a PEM (SPKI) text, or a KeyObject. */
export function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  if (key.trim().startsWith(KEY_TYPE)) return parseOpenSsh(key);
  try {
    return createPublicKey(key);
  } catch (e) {
    throw new RedeskError('KEY_INVALID', 'The public key is neither an OpenSSH line nor a PEM public key.', { cause: e });
  }
}

function sshString(bytes: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

function readSshString(buf: Buffer, at: number): [Buffer, number] {
  if (at + 4 > buf.length) throw new RedeskError('KEY_INVALID', 'The OpenSSH public key blob is truncated.');
  const len = buf.readUInt32BE(at);
  if (at + 4 + len > buf.length) throw new RedeskError('KEY_INVALID', 'The OpenSSH public key blob is truncated.');
  return [buf.subarray(at + 4, at + 4 + len), at + 4 + len];
}
