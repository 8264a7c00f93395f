import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK, endOfArchive, fileHeader, padding, ustarBlock } from '../bundle/tar/tarHeader';
import { EnvRegistry } from '../envs/EnvRegistry';
import { loadEnvDir } from '../envs/loadEnvDir';
import { writeTestEnv } from '../envs/testEnv';
import { allowedSignersLine } from '../ssh/allowedSigners';
import { signSshsig } from '../ssh/sshsig';
import { importPack } from './importPack';
import { packEnv } from './packEnv';
import { PACK_NAMESPACE, type PackManifest } from './packFormat';

const organizer = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');

let root: string;
let envDir: string;
let envsDir: string;
let signers: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'redesk-pack-'));
  envDir = join(root, 'src', 'test_env');
  envsDir = join(root, 'data', 'envs');
  writeTestEnv(envDir);
  signers = join(root, 'allowed_signers');
  writeFileSync(signers, `${allowedSignersLine('organizer@lab', organizer.publicKey, [PACK_NAMESPACE])}\n`);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const pack = (out = join(root, 'test_env.redeskenv'), extra: Partial<Parameters<typeof packEnv>[0]> = {}) =>
  packEnv({ envDir, out, key: organizer.privateKey, ...extra });
const doImport = (file: string, extra: Partial<Parameters<typeof importPack>[0]> = {}) => importPack({ file, envsDir, allowedSigners: signers, ...extra });
const code = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code?: string }) => e.code);
/** After a refusal nothing is installed and nothing is left half-written. */
const nothingInstalled = () => {
  const entries = existsSync(envsDir) ? readdirSync(envsDir) : [];
  expect(entries.filter((e) => e !== '.incoming')).toEqual([]);
  if (entries.includes('.incoming')) expect(readdirSync(join(envsDir, '.incoming'))).toEqual([]);
};

/** A tar of raw entries: files with data, or links; written byte by byte so tests can make any archive. */
type RawEntry = { name: string; data: Buffer | string } | { name: string; link: 'symlink' | 'hardlink'; target: string };
function writeTar(path: string, entries: RawEntry[]): void {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if ('link' in e) {
      parts.push(ustarBlock(e.name, 0, 0, e.link === 'symlink' ? '2' : '1', e.target));
      continue;
    }
    const data = Buffer.from(e.data);
    parts.push(fileHeader(e.name, data.length, 0), data, Buffer.alloc(padding(data.length)));
  }
  parts.push(endOfArchive());
  writeFileSync(path, Buffer.concat(parts));
}

/** Reads a pack back into its manifest and entries, so a test can alter one thing and re-sign (or not). */
function readPack(file: string): { manifest: PackManifest; json: Buffer; sig: string; files: { name: string; data: Buffer }[] } {
  const buf = readFileSync(file);
  const entries: { name: string; data: Buffer }[] = [];
  let at = 0;
  while (at < buf.length && buf[at] !== 0) {
    const name = buf.subarray(at, at + 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(buf.subarray(at + 124, at + 136).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
    entries.push({ name, data: buf.subarray(at + BLOCK, at + BLOCK + size) });
    at += BLOCK + size + padding(size);
  }
  const [json, sig, ...files] = entries;
  return { manifest: JSON.parse(json!.data.toString('utf8')), json: json!.data, sig: sig!.data.toString('utf8'), files };
}

/** A pack of the given manifest and files, signed by `key` over the manifest as written. */
function craft(path: string, manifest: PackManifest, files: RawEntry[], key: KeyObject = organizer.privateKey): void {
  const json = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  writeTar(path, [{ name: 'pack.json', data: json }, { name: 'pack.json.sig', data: signSshsig(json, key, PACK_NAMESPACE) }, ...files]);
}

describe('environment packs', () => {
  it('round trip: pack lists every file and the asset with hashes; import verifies and installs a loadable environment', async () => {
    const r = await pack();
    expect(r.manifest.env).toMatchObject({ id: 'test_env', version: '1.2.3' });
    expect(r.manifest.files.map((f) => [f.path, f.kind])).toEqual([
      ['env.json', 'file'],
      ['instructions.md', 'file'],
      ['scorer/score.py', 'file'],
      ['starter/solution.py', 'file'],
      ['assets/data.bin', 'asset'],
    ]);
    expect(r.manifest.files.find((f) => f.path === 'assets/data.bin')).toMatchObject({ size: 12, sha256: '84ba19f79faacff0cfa1b992693129dfbb0e18da60c7df0f51bf9a562d1c28f6' });

    const done = await doImport(r.file);
    expect(done).toMatchObject({ dir: join(envsDir, 'test_env'), signer: { principals: ['organizer@lab'] }, replaced: false });
    const installed = await loadEnvDir(done.dir, 'full', { assets: 'hash' });
    expect(installed.envHash).toBe(r.manifest.env.envHash);
    expect(await new EnvRegistry({ dirs: [envsDir] }).list()).toMatchObject([{ id: 'test_env', version: '1.2.3' }]);
    expect(readdirSync(join(envsDir, '.incoming'))).toEqual([]);
  });

  it('refuses to replace an installed id without replace (PACK_EXISTS), and replaces with it', async () => {
    const r = await pack();
    await doImport(r.file);
    expect(await code(doImport(r.file))).toBe('PACK_EXISTS');
    expect(await doImport(r.file, { replace: true })).toMatchObject({ replaced: true });
    expect(await code(doImport(r.file, { reservedIds: ['test_env'], replace: true }))).toBe('PACK_EXISTS');
  });

  it('refuses a pack whose pack.json was altered after signing (PACK_SIGNATURE_INVALID)', async () => {
    const r = await pack();
    const p = readPack(r.file);
    const altered = Buffer.from(p.json.toString('utf8').replace('"1.2.3"', '"9.9.9"'));
    const bad = join(root, 'bad.redeskenv');
    writeTar(bad, [{ name: 'pack.json', data: altered }, { name: 'pack.json.sig', data: p.sig }, ...p.files]);
    expect(await code(doImport(bad))).toBe('PACK_SIGNATURE_INVALID');
    nothingInstalled();
  });

  it('refuses a pack signed by a key allowed_signers does not list (PACK_UNTRUSTED_SIGNER)', async () => {
    const r = await pack(undefined, { key: stranger.privateKey });
    const err = await doImport(r.file).catch((e) => e);
    expect(err.code).toBe('PACK_UNTRUSTED_SIGNER');
    expect(err.message).toMatch(/SHA256:/);
    // No allowed_signers at all is no trust either.
    expect(await code(doImport(r.file, { allowedSigners: join(root, 'nope') }))).toBe('PACK_UNTRUSTED_SIGNER');
    nothingInstalled();
  });

  it('refuses a pack with one flipped byte in a file (PACK_HASH_MISMATCH)', async () => {
    const r = await pack();
    const buf = readFileSync(r.file);
    const at = buf.indexOf('hello asset');
    buf[at] = 'j'.charCodeAt(0);
    writeFileSync(r.file, buf);
    const err = await doImport(r.file).catch((e) => e);
    expect(err).toMatchObject({ code: 'PACK_HASH_MISMATCH', where: 'assets/data.bin' });
    nothingInstalled();
  });

  it('refuses traversal and absolute paths, in pack.json or in entry names (PACK_UNSAFE_PATH)', async () => {
    const r = await pack();
    const p = readPack(r.file);
    const evil = { path: '../../evil.sh', sha256: 'a'.repeat(64), size: 1, kind: 'file' as const };
    craft(join(root, 'a.redeskenv'), { ...p.manifest, files: [...p.manifest.files, evil] }, p.files);
    expect(await code(doImport(join(root, 'a.redeskenv')))).toBe('PACK_UNSAFE_PATH');
    craft(join(root, 'b.redeskenv'), { ...p.manifest, files: [...p.manifest.files, { ...evil, path: '/etc/cron.d/x' }] }, p.files);
    expect(await code(doImport(join(root, 'b.redeskenv')))).toBe('PACK_UNSAFE_PATH');
    craft(join(root, 'c.redeskenv'), p.manifest, [...p.files, { name: 'env/../../evil.sh', data: 'x' }]);
    expect(await code(doImport(join(root, 'c.redeskenv')))).toBe('PACK_UNSAFE_PATH');
    expect(existsSync(join(root, 'data', 'evil.sh'))).toBe(false);
    expect(existsSync(join(root, 'evil.sh'))).toBe(false);
    nothingInstalled();
  });

  it('refuses symlink and hardlink entries (PACK_UNSAFE_PATH)', async () => {
    const r = await pack();
    const p = readPack(r.file);
    craft(join(root, 's.redeskenv'), p.manifest, [{ name: 'env/starter/link', link: 'symlink', target: '/etc/passwd' }, ...p.files]);
    expect(await code(doImport(join(root, 's.redeskenv')))).toBe('PACK_UNSAFE_PATH');
    craft(join(root, 'h.redeskenv'), p.manifest, [{ name: 'env/starter/link', link: 'hardlink', target: '/etc/passwd' }, ...p.files]);
    expect(await code(doImport(join(root, 'h.redeskenv')))).toBe('PACK_UNSAFE_PATH');
    nothingInstalled();
    // Packing a folder with a link in it is refused too.
    symlinkSync('/etc/passwd', join(envDir, 'starter', 'passwd'));
    expect(await code(pack(join(root, 'link.redeskenv')))).toBe('PACK_UNSAFE_PATH');
  });

  it('refuses a missing asset: listed but not in the archive, or declared but neither packed nor separate (PACK_ASSET_MISSING)', async () => {
    const r = await pack();
    const p = readPack(r.file);
    craft(join(root, 'm.redeskenv'), p.manifest, p.files.filter((f) => f.name !== 'env/assets/data.bin'));
    const err = await doImport(join(root, 'm.redeskenv')).catch((e) => e);
    expect(err).toMatchObject({ code: 'PACK_ASSET_MISSING', where: 'assets/data.bin' });
    const unlisted = { ...p.manifest, files: p.manifest.files.filter((f) => f.kind !== 'asset') };
    craft(join(root, 'n.redeskenv'), unlisted, p.files.filter((f) => f.name !== 'env/assets/data.bin'));
    expect(await code(doImport(join(root, 'n.redeskenv')))).toBe('PACK_ASSET_MISSING');
    nothingInstalled();
  });

  it('packs a large asset as supplied separately; the import installs without it and preflight will ask for it', async () => {
    rmSync(join(envDir, 'assets', 'data.bin'));
    expect(await code(pack(join(root, 'x.redeskenv')))).toBe('PACK_ASSET_MISSING');
    const r = await pack(join(root, 'y.redeskenv'), { separateAssets: ['assets/data.bin'] });
    expect(r.manifest.separateAssets).toEqual(['assets/data.bin']);
    const done = await doImport(r.file);
    expect(done.separateAssets).toEqual(['assets/data.bin']);
    expect(existsSync(join(done.dir, 'assets', 'data.bin'))).toBe(false);
  });

  it('refuses what is not a pack, or is cut short (PACK_MALFORMED)', async () => {
    writeFileSync(join(root, 'junk.redeskenv'), 'this is not a tar archive at all'.repeat(40));
    expect(await code(doImport(join(root, 'junk.redeskenv')))).toBe('PACK_MALFORMED');
    const r = await pack();
    const buf = readFileSync(r.file);
    writeFileSync(join(root, 'short.redeskenv'), buf.subarray(0, buf.length - 3000));
    expect(await code(doImport(join(root, 'short.redeskenv')))).toBe('PACK_MALFORMED');
    nothingInstalled();
  });
});
