import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RedeskError } from '../../common/errors';
import { fingerprint, toOpenSsh } from '../keys/openssh';
import { parseKeyBlob } from './keyBlob';
import { sameKey } from './sshsig';

/**
 * OpenSSH allowed_signers files (ssh-keygen(1), "ALLOWED SIGNERS"): one line per trusted key,
 * `principals [options] keytype base64-key [comment]`, options being `namespaces="…"`, `valid-after=…`,
 * `valid-before=…` and `cert-authority`. The same file the organizer hands to `ssh-keygen -Y verify`.
 */
export interface AllowedSigner {
  /** 1-based line in the file. */
  line: number;
  /** Principal patterns (`*` and `?` wildcards, `!` to negate), as written. */
  principals: string[];
  namespaces?: string[];
  validAfter?: Date;
  validBefore?: Date;
  certAuthority: boolean;
  keyType: string;
  /** Absent for key types redesk does not sign with (RSA, ECDSA…): such lines are read and never match. */
  publicKey?: KeyObject;
}

export interface SignerQuery {
  namespace: string;
  /** When the signature is judged (valid-after / valid-before); now by default. */
  now?: Date;
  /** The identity the signer must hold (ssh-keygen's -I); any principal when absent. */
  identity?: string;
}

const KEY_TYPE_RE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-|sk-|rsa-sha2-)/;

export async function readAllowedSigners(path: string): Promise<AllowedSigner[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new RedeskError('FILE_NOT_FOUND', `Cannot read the allowed signers file ${path}: ${(e as Error).message}`, {
      where: path,
      hint: 'Give a file of lines like `expert@lab ssh-ed25519 AAAA…` (the experts\' public keys).',
    });
  }
  return parseAllowedSigners(text, path);
}

/** Parses the file; a line that cannot be read throws KEY_INVALID naming `source:line`. */
export function parseAllowedSigners(text: string, source = 'allowed_signers'): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${source}:${i + 1}`;
    const fail = (why: string) => new RedeskError('KEY_INVALID', `${where}: ${why}`, { where, hint: 'Each line is `principals [options] ssh-ed25519 AAAA… [comment]`.' });
    const tokens = tokenize(line);
    if (tokens.length < 3) throw fail('expected principals, a key type and a key');
    const principals = unquote(tokens[0]!).split(',').filter(Boolean);
    let k = 1;
    let options: string | undefined;
    if (!KEY_TYPE_RE.test(tokens[1]!)) options = tokens[k++];
    const keyType = tokens[k];
    const b64 = tokens[k + 1];
    if (!keyType || !b64) throw fail('expected a key type and a base64 key');
    const signer: AllowedSigner = { line: i + 1, principals, certAuthority: false, keyType };
    if (options) applyOptions(signer, options, fail);
    if (keyType === 'ssh-ed25519') signer.publicKey = parseKeyBlob(Buffer.from(b64, 'base64'), fail);
    out.push(signer);
  });
  return out;
}

/** The line that lets `key` sign in the namespace (and as the identity, when one is asked for), or undefined. */
export function findSigner(signers: readonly AllowedSigner[], key: KeyObject, q: SignerQuery): AllowedSigner | undefined {
  const now = q.now ?? new Date();
  return signers.find(
    (s) =>
      !s.certAuthority &&
      s.publicKey !== undefined &&
      sameKey(s.publicKey, key) &&
      (!s.namespaces || s.namespaces.some((n) => matchPattern(n, q.namespace))) &&
      (!s.validAfter || now >= s.validAfter) &&
      (!s.validBefore || now <= s.validBefore) &&
      (q.identity === undefined || matchPatternList(s.principals, q.identity)),
  );
}

/** An allowed_signers line for a key: `principal [namespaces="…"] ssh-ed25519 AAAA…`. */
export function allowedSignersLine(principal: string, key: KeyObject, namespaces?: string[]): string {
  const opts = namespaces?.length ? ` namespaces="${namespaces.join(',')}"` : '';
  return `${principal}${opts} ${toOpenSsh(key)}`;
}

/** A name for the signer in messages: its principals, or its fingerprint. */
export function signerName(s: AllowedSigner | undefined, key: KeyObject): string {
  return s ? s.principals.join(',') : fingerprint(key);
}

/** OpenSSH's match_pattern_list: a negated pattern that matches wins; otherwise any positive match. */
export function matchPatternList(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchPattern(p.slice(1), value)) return false;
    } else if (matchPattern(p, value)) matched = true;
  }
  return matched;
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function matchPattern(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

function applyOptions(signer: AllowedSigner, options: string, fail: (why: string) => RedeskError): void {
  for (const opt of splitOptions(options)) {
    const eq = opt.indexOf('=');
    const name = (eq < 0 ? opt : opt.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : unquote(opt.slice(eq + 1));
    if (name === 'cert-authority') signer.certAuthority = true;
    else if (name === 'namespaces') signer.namespaces = value.split(',').filter(Boolean);
    else if (name === 'valid-after') signer.validAfter = parseTimestamp(value, fail);
    else if (name === 'valid-before') signer.validBefore = parseTimestamp(value, fail);
    else throw fail(`unknown option "${name}"`);
  }
}

/** YYYYMMDD[HHMM[SS]][Z], as ssh-keygen takes it: UTC with a Z, local time without. */
function parseTimestamp(v: string, fail: (why: string) => RedeskError): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(v);
  if (!m) throw fail(`bad timestamp "${v}" (expected YYYYMMDD[HHMM[SS]][Z])`);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as number[];
  return m[7] ? new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s)) : new Date(y!, mo! - 1, d!, h, mi, s);
}

/** Whitespace-separated tokens; double quotes keep spaces inside one token. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Comma-separated options, commas inside quotes kept. */
function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1) : s;
}
