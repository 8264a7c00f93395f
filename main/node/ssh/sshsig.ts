import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { RedeskError } from '../../common/errors';
import { fingerprint, rawPublicKey, sshKeyBlob } from '../keys/openssh';
import { parseKeyBlob } from './keyBlob';
import { SshReader, sshString, sshUint32 } from './sshWire';

/**
 * OpenSSH signatures (PROTOCOL.sshsig), the format of `ssh-keygen -Y sign`, for Ed25519 keys: anyone can check a
 * redesk signature with ssh-keygen and an allowed_signers file, with no redesk installed.
 */

const MAGIC = Buffer.from('SSHSIG');
const SIG_VERSION = 1;
const KEY_TYPE = 'ssh-ed25519';
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
/** ssh-keygen wraps the armored base64 at 70 columns. */
const LINE = 70;
/** sha512 is what ssh-keygen signs with; sha256 is the other hash the format allows, and is accepted. */
const SIGN_HASH = 'sha512';
const HASHES = new Set(['sha256', 'sha512']);
/** An Ed25519 signature is 64 bytes; a signature text far larger than that is not one. */
const MAX_ARMORED = 16 * 1024;

/** The message to sign or check: its bytes, or its sha512 digest already taken (for files streamed elsewhere). */
export type SshsigMessage = Buffer | string | { sha512: Buffer };

export interface SshsigParts {
  publicKey: KeyObject;
  namespace: string;
  hashAlgorithm: string;
  /** The raw 64-byte Ed25519 signature. */
  signature: Buffer;
}

export interface SshsigVerified {
  publicKey: KeyObject;
  /** `SHA256:…` as ssh-keygen prints it. */
  fingerprint: string;
}

/** Signs like `ssh-keygen -Y sign -n <namespace>`; returns the armored text (ending in a newline). */
export function signSshsig(message: SshsigMessage, privateKey: KeyObject, namespace: string): string {
  checkNamespace(namespace);
  const digest = messageDigest(message, SIGN_HASH);
  const sig = sign(null, signedData(namespace, SIGN_HASH, digest), privateKey);
  const blob = Buffer.concat([
    MAGIC,
    sshUint32(SIG_VERSION),
    sshString(sshKeyBlob(privateKey)),
    sshString(namespace),
    sshString(''),
    sshString(SIGN_HASH),
    sshString(Buffer.concat([sshString(KEY_TYPE), sshString(sig)])),
  ]);
  return armor(blob);
}

/** The parts of an armored signature; SIGNATURE_INVALID when it is not a well-formed Ed25519 SSHSIG. */
export function parseSshsig(armored: string): SshsigParts {
  if (armored.length > MAX_ARMORED) throw bad('The signature text is far too long to be an SSH signature.');
  const text = armored.replace(/\r/g, '').trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) throw bad(`The signature is not armored (expected "${BEGIN}").`);
  const b64 = text.slice(BEGIN.length, text.length - END.length).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw bad('The signature is not valid base64.');
  const r = new SshReader(Buffer.from(b64, 'base64'));
  if (!r.bytes(MAGIC.length).equals(MAGIC)) throw bad('The signature does not start with the SSHSIG magic.');
  const version = r.uint32();
  if (r.ok && version !== SIG_VERSION) throw bad(`SSHSIG version ${version} is not supported (only ${SIG_VERSION}).`);
  const keyBlob = r.string();
  const namespace = r.string().toString('utf8');
  r.string(); // reserved
  const hashAlgorithm = r.string().toString('utf8');
  const sigBlob = r.string();
  if (!r.done) throw bad('The SSHSIG blob is truncated or has trailing bytes.');
  if (!HASHES.has(hashAlgorithm)) throw bad(`The signature uses hash "${hashAlgorithm}"; only sha256 and sha512 are allowed.`);
  const publicKey = parseKeyBlob(keyBlob, bad);
  const s = new SshReader(sigBlob);
  const sigType = s.string().toString('utf8');
  const signature = s.string();
  if (!s.done || sigType !== KEY_TYPE || signature.length !== 64) throw bad(`The signature is not an ${KEY_TYPE} signature.`);
  return { publicKey, namespace, hashAlgorithm, signature };
}

/**
 * Checks a signature over the message in the namespace, like `ssh-keygen -Y check-novalidate`: it proves the
 * message was signed by the key inside the signature. Whether that key is trusted is the caller's question (see
 * allowedSigners.ts). Throws SIGNATURE_INVALID.
 */
export function verifySshsig(message: SshsigMessage, armored: string, namespace: string): SshsigVerified {
  const p = parseSshsig(armored);
  if (p.namespace !== namespace) throw bad(`The signature is for namespace "${p.namespace}", not "${namespace}".`);
  const digest = messageDigest(message, p.hashAlgorithm);
  if (!verify(null, signedData(namespace, p.hashAlgorithm, digest), p.publicKey, p.signature)) {
    throw bad(`The signature by ${fingerprint(p.publicKey)} does not match the message.`);
  }
  return { publicKey: p.publicKey, fingerprint: fingerprint(p.publicKey) };
}

/**
 * The armor exactly as signSshsig and ssh-keygen write it (70 columns, one trailing newline). A verifier that
 * wants every byte of a signed file to matter compares against it: base64 and armor tolerate harmless edits.
 */
export function canonicalArmor(armored: string): string | undefined {
  const text = armored.replace(/\r/g, '').trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return undefined;
  const b64 = text.slice(BEGIN.length, text.length - END.length).replace(/\s+/g, '');
  return armor(Buffer.from(b64, 'base64'));
}

/** Whether two keys are the same Ed25519 public key. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return rawPublicKey(a).equals(rawPublicKey(b));
}

function signedData(namespace: string, hashAlgorithm: string, digest: Buffer): Buffer {
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hashAlgorithm), sshString(digest)]);
}

function messageDigest(message: SshsigMessage, hashAlgorithm: string): Buffer {
  if (typeof message === 'object' && !Buffer.isBuffer(message)) {
    if (hashAlgorithm !== 'sha512') throw bad(`The signature uses ${hashAlgorithm}, but only a sha512 digest of the message is at hand.`);
    return message.sha512;
  }
  return createHash(hashAlgorithm).update(message).digest();
}

function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

function checkNamespace(ns: string): void {
  // ssh-keygen refuses an empty namespace; a namespace is what keeps one use of a key from passing for another.
  if (!ns) throw new RedeskError('BAD_REQUEST', 'An SSH signature needs a namespace.');
}

function bad(message: string): RedeskError {
  return new RedeskError('SIGNATURE_INVALID', message);
}
