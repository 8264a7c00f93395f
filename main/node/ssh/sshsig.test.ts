import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, parseOpenSsh } from '../keys/openssh';
import { allowedSignersLine, findSigner, parseAllowedSigners } from './allowedSigners';
import { parseSshsig, signSshsig, verifySshsig } from './sshsig';

const SSH_KEYGEN = ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen', '/opt/homebrew/bin/ssh-keygen'].find(existsSync);
const dir = mkdtempSync(join(tmpdir(), 'redesk-sshsig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('SSHSIG', () => {
  const key = generateKeyPairSync('ed25519');
  const msg = Buffer.from('{"hello":"world"}\n');

  it('round-trips, and wraps the armor at 70 columns', () => {
    const sig = signSshsig(msg, key.privateKey, 'redesk-bundle');
    const lines = sig.trim().split('\n');
    expect(lines[0]).toBe('-----BEGIN SSH SIGNATURE-----');
    expect(lines.at(-1)).toBe('-----END SSH SIGNATURE-----');
    for (const l of lines.slice(1, -2)) expect(l).toHaveLength(70);
    const v = verifySshsig(msg, sig, 'redesk-bundle');
    expect(v.fingerprint).toBe(fingerprint(key.publicKey));
    expect(parseSshsig(sig)).toMatchObject({ namespace: 'redesk-bundle', hashAlgorithm: 'sha512' });
  });

  it('accepts a precomputed sha512 digest of the message', () => {
    const sig = signSshsig({ sha512: createHash('sha512').update(msg).digest() }, key.privateKey, 'ns');
    expect(verifySshsig(msg, sig, 'ns').fingerprint).toBe(fingerprint(key.publicKey));
  });

  it('refuses another message, another namespace, and garbage', () => {
    const sig = signSshsig(msg, key.privateKey, 'redesk-bundle');
    expect(codeOf(() => verifySshsig(Buffer.from('{"hello":"World"}\n'), sig, 'redesk-bundle'))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verifySshsig(msg, sig, 'redesk-ticket'))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verifySshsig(msg, 'not a signature', 'redesk-bundle'))).toBe('SIGNATURE_INVALID');
    const body = sig.split('\n').slice(1, -2).join('');
    const cut = `-----BEGIN SSH SIGNATURE-----\n${body.slice(0, 40)}\n-----END SSH SIGNATURE-----\n`;
    expect(codeOf(() => verifySshsig(msg, cut, 'redesk-bundle'))).toBe('SIGNATURE_INVALID');
  });
});

describe('allowed_signers', () => {
  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');

  it('finds the line for a key, honouring namespaces, validity and identity', () => {
    const text = [
      '# organizers',
      allowedSignersLine('alice@lab,*@ops', a.publicKey, ['redesk-bundle']),
      `"bob@lab" valid-after="20200101Z",valid-before="20200201Z" ${allowedSignersLine('', b.publicKey).trim()}`,
      'carol@lab ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7',
    ].join('\n');
    const signers = parseAllowedSigners(text);
    expect(signers).toHaveLength(3);
    expect(findSigner(signers, a.publicKey, { namespace: 'redesk-bundle' })?.principals).toEqual(['alice@lab', '*@ops']);
    expect(findSigner(signers, a.publicKey, { namespace: 'redesk-ticket' })).toBeUndefined();
    expect(findSigner(signers, a.publicKey, { namespace: 'redesk-bundle', identity: 'x@ops' })).toBeDefined();
    expect(findSigner(signers, a.publicKey, { namespace: 'redesk-bundle', identity: 'x@lab' })).toBeUndefined();
    expect(findSigner(signers, b.publicKey, { namespace: 'any', now: new Date('2020-01-15T00:00:00Z') })).toBeDefined();
    expect(findSigner(signers, b.publicKey, { namespace: 'any', now: new Date('2021-01-15T00:00:00Z') })).toBeUndefined();
  });

  it('names the line it cannot read', () => {
    expect(codeOf(() => parseAllowedSigners('ok@lab ssh-ed25519\n', 'f'))).toBe('KEY_INVALID');
    expect(() => parseAllowedSigners('x bogus-option ssh-ed25519 AAAA', 'signers')).toThrow(/signers:1/);
  });
});

describe.skipIf(!SSH_KEYGEN)('interop with ssh-keygen -Y (skipped: no ssh-keygen on this machine)', () => {
  const keygen = (args: string[], input?: Buffer) => spawnSync(SSH_KEYGEN!, args, { input, encoding: 'buffer' });

  it('ssh-keygen -Y verify accepts what redesk signs', () => {
    const key = generateKeyPairSync('ed25519');
    const msg = Buffer.from('manifest bytes\n'.repeat(50));
    writeFileSync(join(dir, 'msg'), msg);
    writeFileSync(join(dir, 'msg.sig'), signSshsig(msg, key.privateKey, 'redesk-bundle'));
    writeFileSync(join(dir, 'allowed_signers'), allowedSignersLine('expert@lab', key.publicKey) + '\n');
    const ok = keygen(['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', 'expert@lab', '-n', 'redesk-bundle', '-s', join(dir, 'msg.sig')], msg);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    const wrongNs = keygen(['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', 'expert@lab', '-n', 'redesk-ticket', '-s', join(dir, 'msg.sig')], msg);
    expect(wrongNs.status).not.toBe(0);
    const changed = keygen(['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', 'expert@lab', '-n', 'redesk-bundle', '-s', join(dir, 'msg.sig')], Buffer.concat([msg, Buffer.from('x')]));
    expect(changed.status).not.toBe(0);
  });

  it('redesk verifies what ssh-keygen -Y sign makes', () => {
    const keyFile = join(dir, 'id_ed25519');
    execFileSync(SSH_KEYGEN!, ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', keyFile]);
    const msg = Buffer.from('a ticket\n');
    writeFileSync(join(dir, 'ticket'), msg);
    execFileSync(SSH_KEYGEN!, ['-q', '-Y', 'sign', '-f', keyFile, '-n', 'redesk-ticket', join(dir, 'ticket')]);
    const sig = readFileSync(join(dir, 'ticket.sig'), 'utf8');
    const pub = parseOpenSsh(readFileSync(`${keyFile}.pub`, 'utf8'));
    expect(verifySshsig(msg, sig, 'redesk-ticket').fingerprint).toBe(fingerprint(pub));
    // Our armor is byte-for-byte the shape ssh-keygen writes.
    expect(signSshsig(msg, generateKeyPairSync('ed25519').privateKey, 'redesk-ticket').length).toBe(sig.length);
  });
});
