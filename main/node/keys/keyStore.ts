import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { RedeskError } from '../../common/errors';
import { fingerprint, toOpenSsh } from './openssh';

export type KeyRole = 'expert' | 'organizer';

/**
 * Wraps the private key PEM at rest (Electron's safeStorage, later). Sync or async; unprotect must undo protect.
 * A key file that is still plain PEM is read as such and rewritten protected, so turning protection on migrates.
 */
export interface KeyProtector {
  protect(pem: string): Buffer | Promise<Buffer>;
  unprotect(stored: Buffer): string | Promise<string>;
}

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface StoredKey extends Ed25519KeyPair {
  role: KeyRole;
  /** `ssh-ed25519 AAAA… comment`, as written to the .pub file. */
  openSsh: string;
  fingerprint: string;
  keyPath: string;
  pubPath: string;
  /** True when this call made the key. */
  created: boolean;
}

export interface KeyStoreOptions {
  protector?: KeyProtector;
  /** The .pub file's comment; `redesk-<role>` when not given. */
  comment?: string;
}

/** Owner read/write only: the key is the expert's signature. */
const PRIVATE_KEY_MODE = 0o600;
const KEYS_DIR_MODE = 0o700;
const PEM_PREFIX = '-----BEGIN ';

export function keyPaths(dataDir: string, role: KeyRole): { dir: string; keyPath: string; pubPath: string } {
  const dir = join(dataDir, 'keys');
  return { dir, keyPath: join(dir, `${role}.key`), pubPath: join(dir, `${role}.pub`) };
}

/**
 * The role's key pair from `<dataDir>/keys/<role>.key` (PKCS#8 PEM, mode 0600), made on first use, with
 * `<role>.pub` in OpenSSH form beside it. Two processes racing to make it end up with the same key: the file is
 * published with link(), which never replaces an existing one.
 */
export async function loadOrCreateKey(dataDir: string, role: KeyRole, opts: KeyStoreOptions = {}): Promise<StoredKey> {
  const { dir, keyPath, pubPath } = keyPaths(dataDir, role);
  await mkdir(dir, { recursive: true, mode: KEYS_DIR_MODE });
  let privateKey = await readPrivateKey(keyPath, opts.protector);
  let created = false;
  if (!privateKey) {
    const fresh = generateKeyPairSync('ed25519').privateKey;
    created = await publishNoClobber(keyPath, await encode(fresh, opts.protector));
    privateKey = created ? fresh : await readPrivateKey(keyPath, opts.protector);
    if (!privateKey) throw new RedeskError('KEY_NOT_FOUND', `The ${role} key vanished while it was being made: ${keyPath}.`);
  }
  const publicKey = createPublicKey(privateKey);
  const openSsh = toOpenSsh(publicKey, opts.comment ?? `redesk-${role}`);
  // The .pub is derived; rewrite it when missing or not matching (someone replaced the key, or an old comment).
  const currentPub = await readFile(pubPath, 'utf8').catch(() => '');
  if (currentPub.trim() !== openSsh) await replaceFile(pubPath, `${openSsh}\n`, 0o644);
  return { role, privateKey, publicKey, openSsh, fingerprint: fingerprint(publicKey), keyPath, pubPath, created };
}

/** The role's existing key pair; KEY_NOT_FOUND when none was made yet (nothing is created). */
export async function loadKey(dataDir: string, role: KeyRole, opts: KeyStoreOptions = {}): Promise<StoredKey> {
  const { keyPath, pubPath } = keyPaths(dataDir, role);
  const privateKey = await readPrivateKey(keyPath, opts.protector);
  if (!privateKey) {
    throw new RedeskError('KEY_NOT_FOUND', `There is no ${role} key in ${dataDir} (${keyPath}).`, {
      where: keyPath,
      hint: `Make one with \`redesk keys init --role ${role}\`; the app makes the expert key when the first attempt starts.`,
    });
  }
  const publicKey = createPublicKey(privateKey);
  const openSsh = toOpenSsh(publicKey, opts.comment ?? `redesk-${role}`);
  return { role, privateKey, publicKey, openSsh, fingerprint: fingerprint(publicKey), keyPath, pubPath, created: false };
}

/** The key, or undefined when the file does not exist. Tightens a too-open mode; migrates plain PEM to protected. */
async function readPrivateKey(keyPath: string, protector?: KeyProtector): Promise<KeyObject | undefined> {
  let stored: Buffer;
  try {
    stored = await readFile(keyPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const plain = stored.subarray(0, PEM_PREFIX.length).toString() === PEM_PREFIX;
  if (!plain && !protector) {
    throw new RedeskError('KEY_INVALID', `${keyPath} is protected, and no way to unprotect it was given.`, {
      hint: 'The desktop app keeps this key in the OS keychain: start the app; while it runs, redesk commands on this data directory go through it.',
      where: keyPath,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(plain ? stored.toString('utf8') : await protector!.unprotect(stored));
  } catch (e) {
    throw new RedeskError('KEY_INVALID', `${keyPath} is not a readable private key.`, { cause: e, where: keyPath, hint: 'Restore it from a backup; a new key cannot sign for the old one.' });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new RedeskError('KEY_INVALID', `${keyPath} holds a ${key.asymmetricKeyType} key, not Ed25519.`, { where: keyPath });
  }
  if (process.platform !== 'win32' && ((await stat(keyPath)).mode & 0o077) !== 0) await chmod(keyPath, PRIVATE_KEY_MODE);
  if (plain && protector) await replaceFile(keyPath, await encode(key, protector), PRIVATE_KEY_MODE);
  return key;
}

async function encode(key: KeyObject, protector?: KeyProtector): Promise<Buffer> {
  const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return protector ? Buffer.from(await protector.protect(pem)) : Buffer.from(pem, 'utf8');
}

/** Writes a complete, synced temporary file and links it into place; false when the target already existed. */
async function publishNoClobber(path: string, data: Buffer): Promise<boolean> {
  const tmp = await writeTemp(path, data, PRIVATE_KEY_MODE);
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function replaceFile(path: string, data: string | Buffer, mode: number): Promise<void> {
  await rename(await writeTemp(path, data, mode), path);
}

async function writeTemp(path: string, data: string | Buffer, mode: number): Promise<string> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed it
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}
