import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, parseOpenSsh, rawPublicKey, toOpenSsh, toPublicKey } from './openssh';

const SSH_KEYGEN = '/usr/bin/ssh-keygen';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'redesk-keys-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('OpenSSH public keys', () => {
  it('round-trips a key through its OpenSSH line', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const line = toOpenSsh(publicKey, 'someone@example');
    expect(line).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} someone@example$/);
    const back = parseOpenSsh(line);
    expect(rawPublicKey(back).equals(rawPublicKey(publicKey))).toBe(true);
    const sig = sign(null, Buffer.from('m'), privateKey);
    expect(verify(null, Buffer.from('m'), back, sig)).toBe(true);
    expect(toOpenSsh(publicKey)).toBe(line.split(' ').slice(0, 2).join(' '));
  });

  it('refuses what is not an Ed25519 OpenSSH key', () => {
    expect(() => parseOpenSsh('ssh-rsa AAAAB3NzaC1yc2E= x')).toThrow(/Ed25519/);
    expect(() => parseOpenSsh('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==')).toThrow(/truncated|malformed/);
    expect(() => toPublicKey('not a key')).toThrow(/neither/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => rawPublicKey(rsa)).toThrow(/Ed25519/);
  });

  it('accepts a PEM public key or a private KeyObject where a public key is wanted', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(fingerprint(toPublicKey(pem))).toBe(fingerprint(publicKey));
    expect(fingerprint(toPublicKey(privateKey))).toBe(fingerprint(publicKey));
  });

  describe.skipIf(!existsSync(SSH_KEYGEN))(`against ${SSH_KEYGEN} (skipped where it is not installed)`, () => {
    it('prints the fingerprint ssh-keygen -lf prints', async () => {
      const { publicKey } = generateKeyPairSync('ed25519');
      const pub = join(dir, 'k.pub');
      await writeFile(pub, `${toOpenSsh(publicKey, 'c')}\n`);
      const out = execFileSync(SSH_KEYGEN, ['-lf', pub], { encoding: 'utf8' });
      expect(out.split(' ')[1]).toBe(fingerprint(publicKey));
    });

    it('reads keys ssh-keygen made, byte for byte', async () => {
      const path = join(dir, 'id');
      execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'made-by-ssh-keygen', '-f', path]);
      const line = (await readFile(`${path}.pub`, 'utf8')).trim();
      const key = parseOpenSsh(line);
      expect(toOpenSsh(key, 'made-by-ssh-keygen')).toBe(line);
      const printed = execFileSync(SSH_KEYGEN, ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprint(key)).toBe(printed);
    });
  });
});
