import { sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyPaths, loadKey, loadOrCreateKey, type KeyProtector } from './keyStore';
import { fingerprint, parseOpenSsh } from './openssh';

let dataDir: string;
beforeEach(async () => (dataDir = await mkdtemp(join(tmpdir(), 'redesk-keystore-'))));
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const posix = process.platform !== 'win32';

/** Stands in for Electron's safeStorage: reversible, and plainly not PEM. */
const WRAP = 'WRAPPED:';
const wrapper: KeyProtector = {
  protect: (pem) => Buffer.from(WRAP + Buffer.from(pem).toString('base64')),
  unprotect: async (stored) => {
    const s = stored.toString();
    if (!s.startsWith(WRAP)) throw new Error('not wrapped by us');
    return Buffer.from(s.slice(WRAP.length), 'base64').toString();
  },
};

describe('loadOrCreateKey', () => {
  it('makes a key on first use, then returns the same one', async () => {
    const a = await loadOrCreateKey(dataDir, 'expert');
    expect(a.created).toBe(true);
    expect(a.keyPath).toBe(join(dataDir, 'keys', 'expert.key'));
    expect(await readFile(a.keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = (await readFile(a.pubPath, 'utf8')).trim();
    expect(pub).toBe(a.openSsh);
    expect(pub).toMatch(/^ssh-ed25519 AAAA\S+ redesk-expert$/);
    expect(fingerprint(parseOpenSsh(pub))).toBe(a.fingerprint);

    const b = await loadOrCreateKey(dataDir, 'expert');
    expect(b.created).toBe(false);
    expect(b.fingerprint).toBe(a.fingerprint);
    const sig = sign(null, Buffer.from('x'), b.privateKey);
    expect(verify(null, Buffer.from('x'), a.publicKey, sig)).toBe(true);

    const org = await loadOrCreateKey(dataDir, 'organizer');
    expect(org.fingerprint).not.toBe(a.fingerprint);
  });

  it.skipIf(!posix)('keeps the private key readable by its owner only', async () => {
    const k = await loadOrCreateKey(dataDir, 'expert');
    expect((await stat(k.keyPath)).mode & 0o777).toBe(0o600);
    await chmod(k.keyPath, 0o644);
    await loadOrCreateKey(dataDir, 'expert');
    expect((await stat(k.keyPath)).mode & 0o777).toBe(0o600);
  });

  it('gives every racer the same key', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKey(dataDir, 'expert')));
    expect(new Set(all.map((k) => k.fingerprint)).size).toBe(1);
    expect(all.filter((k) => k.created)).toHaveLength(1);
  });

  it('rewrites a missing or stale .pub from the key', async () => {
    const k = await loadOrCreateKey(dataDir, 'expert', { comment: 'me@host' });
    await writeFile(k.pubPath, 'ssh-ed25519 AAAAwrong\n');
    const again = await loadOrCreateKey(dataDir, 'expert', { comment: 'me@host' });
    expect((await readFile(again.pubPath, 'utf8')).trim()).toBe(`${k.openSsh}`);
    expect(k.openSsh.endsWith(' me@host')).toBe(true);
  });

  it('stores the key through a protector, and migrates a plain one to it', async () => {
    const plain = await loadOrCreateKey(dataDir, 'expert');
    const migrated = await loadOrCreateKey(dataDir, 'expert', { protector: wrapper });
    expect(migrated.fingerprint).toBe(plain.fingerprint);
    const stored = await readFile(plain.keyPath, 'utf8');
    expect(stored.startsWith(WRAP)).toBe(true);
    expect(stored).not.toContain('BEGIN PRIVATE KEY');
    expect((await loadOrCreateKey(dataDir, 'expert', { protector: wrapper })).fingerprint).toBe(plain.fingerprint);
    await expect(loadOrCreateKey(dataDir, 'expert')).rejects.toMatchObject({ code: 'KEY_INVALID' });

    const org = await loadOrCreateKey(dataDir, 'organizer', { protector: wrapper });
    expect((await readFile(keyPaths(dataDir, 'organizer').keyPath, 'utf8')).startsWith(WRAP)).toBe(true);
    expect(org.created).toBe(true);
  });

  it('refuses a key file that is not a readable Ed25519 key', async () => {
    const { dir, keyPath } = keyPaths(dataDir, 'expert');
    await loadOrCreateKey(dataDir, 'expert');
    await writeFile(keyPath, '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n');
    await expect(loadOrCreateKey(dataDir, 'expert')).rejects.toMatchObject({ code: 'KEY_INVALID', where: keyPath });
    expect(dir).toBe(join(dataDir, 'keys'));
  });
});

describe('loadKey', () => {
  it('reads the key loadOrCreateKey made, and makes none itself', async () => {
    await expect(loadKey(dataDir, 'expert')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(stat(keyPaths(dataDir, 'expert').keyPath)).rejects.toMatchObject({ code: 'ENOENT' });
    const made = await loadOrCreateKey(dataDir, 'expert');
    const read = await loadKey(dataDir, 'expert');
    expect(read).toMatchObject({ fingerprint: made.fingerprint, openSsh: made.openSsh, created: false });
  });
});
