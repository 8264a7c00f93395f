import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatIssues } from '../../common/envSchema';
import { isRedeskError, RedeskError } from '../../common/errors';
import { TarReader, type TarEntry } from '../bundle/tar/TarReader';
import { loadEnvDir } from '../envs/loadEnvDir';
import { readEnvJson } from '../envs/readEnvJson';
import { fingerprint } from '../keys/openssh';
import { findSigner, readAllowedSigners, type AllowedSigner } from '../ssh/allowedSigners';
import { verifySshsig } from '../ssh/sshsig';
import { declaredAssets } from './packEnv';
import {
  FILE_PREFIX,
  isSafeRelPath,
  MAX_PACK_JSON_BYTES,
  MAX_SIG_BYTES,
  PACK_JSON,
  PACK_NAMESPACE,
  PACK_SIG,
  packError,
  PackManifestSchema,
  type PackFile,
  type PackManifest,
} from './packFormat';

const STALE_INCOMING_MS = 24 * 3600_000;

export interface ImportPackOptions {
  file: string;
  /** Where imported environments live: `<dataDir>/envs`. */
  envsDir: string;
  /** The organizers whose packs are trusted (OpenSSH allowed_signers, namespace redesk-envpack). */
  allowedSigners: string;
  /** Replace an installed environment of the same id. */
  replace?: boolean;
  /** Ids that are taken elsewhere (bundled with the app) and would shadow an import. */
  reservedIds?: string[];
  now?: Date;
}

export interface ImportResult {
  dir: string;
  manifest: PackManifest;
  signer: { fingerprint: string; principals: string[] };
  /** Assets to be put in place by hand (the organizer hands them out separately). */
  separateAssets: string[];
  replaced: boolean;
}

/**
 * Verifies a pack and installs it as `<envsDir>/<id>`: the signature over pack.json against allowed_signers, then
 * each file's size and sha256 while it streams into `<envsDir>/.incoming/<random>`, then env.json against pack.json,
 * then one rename. Any refusal removes what was written; nothing is half-installed.
 */
export async function importPack(o: ImportPackOptions): Promise<ImportResult> {
  await removeStale(join(o.envsDir, '.incoming'));
  const incoming = join(o.envsDir, '.incoming', randomBytes(6).toString('hex'));
  await mkdir(incoming, { recursive: true });
  try {
    const { manifest, signer } = await unpack(o, incoming);
    await checkUnpacked(manifest, incoming);
    const target = join(o.envsDir, manifest.env.id);
    if (o.reservedIds?.includes(manifest.env.id)) {
      throw new RedeskError('PACK_EXISTS', `An environment "${manifest.env.id}" comes with this app; an imported one would never be used.`, { where: manifest.env.id, hint: 'Ask the organizer for a pack with another id.' });
    }
    let replaced = false;
    if (existsSync(target)) {
      const installed = await readEnvJson(target).then((s) => s.version, () => 'unknown version');
      if (!o.replace) {
        throw new RedeskError('PACK_EXISTS', `${manifest.env.id}@${installed} is already installed in ${target}.`, { where: target, hint: 'Pass --replace to replace it.' });
      }
      const old = join(o.envsDir, '.incoming', `old-${randomBytes(6).toString('hex')}`);
      await rename(target, old);
      await rename(incoming, target).catch(async (e) => {
        await rename(old, target);
        throw e;
      });
      await rm(old, { recursive: true, force: true });
      replaced = true;
    } else {
      await rename(incoming, target);
    }
    return { dir: target, manifest, signer, separateAssets: manifest.separateAssets, replaced };
  } finally {
    await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** What an import killed mid-way left behind (a day old: never another import still running). */
async function removeStale(dir: string): Promise<void> {
  const cutoff = Date.now() - STALE_INCOMING_MS;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

async function unpack(o: ImportPackOptions, into: string): Promise<{ manifest: PackManifest; signer: ImportResult['signer'] }> {
  const reader = new TarReader(createReadStream(o.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>);
  try {
    const json = await small(reader, await reader.next().catch(tarError), PACK_JSON, MAX_PACK_JSON_BYTES);
    const sig = await small(reader, await reader.next().catch(tarError), PACK_SIG, MAX_SIG_BYTES);
    const signer = await verifySignature(json, sig.toString('utf8'), o);
    const manifest = parseManifest(json);
    const expected = new Map(manifest.files.map((f) => [f.path, f]));
    if (expected.size !== manifest.files.length) throw packError('PACK_MALFORMED', 'pack.json lists a file twice.');
    const seen = new Set<string>();
    for (;;) {
      const entry = await reader.next().catch(tarError);
      if (!entry) break;
      if (entry.type === 'symlink' || entry.type === 'hardlink') {
        throw packError('PACK_UNSAFE_PATH', `The pack holds a ${entry.type} ${entry.name} -> ${entry.linkname}; packs hold plain files only.`, entry.name);
      }
      const rel = entry.name.startsWith(FILE_PREFIX) ? entry.name.slice(FILE_PREFIX.length) : undefined;
      if (rel === undefined || !isSafeRelPath(rel)) throw packError('PACK_UNSAFE_PATH', `The pack holds an entry with an unsafe name: ${JSON.stringify(entry.name)}.`, entry.name);
      if (entry.type !== 'file') throw packError('PACK_MALFORMED', `Entry ${entry.name} is a ${entry.type}, not a file.`, entry.name);
      const want = expected.get(rel);
      if (!want) throw packError('PACK_MALFORMED', `Entry ${entry.name} is not listed in the signed pack.json.`, entry.name);
      if (seen.has(rel)) throw packError('PACK_MALFORMED', `Entry ${entry.name} appears twice.`, entry.name);
      seen.add(rel);
      await extract(reader, entry, want, join(into, rel));
    }
    for (const f of manifest.files) {
      if (seen.has(f.path)) continue;
      if (f.kind === 'asset') throw packError('PACK_ASSET_MISSING', `pack.json lists asset ${f.path}, but the pack does not hold it.`, f.path);
      throw packError('PACK_MALFORMED', `pack.json lists ${f.path}, but the pack does not hold it (cut short?).`, f.path);
    }
    return { manifest, signer };
  } finally {
    await reader.close().catch(() => undefined);
  }
}

/** A metadata entry (pack.json, its signature), in its expected place, read whole. */
async function small(reader: TarReader, entry: TarEntry | null, name: string, max: number): Promise<Buffer> {
  if (!entry || entry.name !== name || entry.type !== 'file') {
    throw packError('PACK_MALFORMED', `The pack does not start with ${PACK_JSON} and ${PACK_SIG} (found ${entry ? JSON.stringify(entry.name) : 'the end'} where ${name} belongs).`);
  }
  if (entry.size > max) throw packError('PACK_MALFORMED', `${name} is ${entry.size} bytes; at most ${max} are accepted.`, name);
  const parts: Buffer[] = [];
  for await (const piece of reader.data()) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

async function verifySignature(json: Buffer, sig: string, o: ImportPackOptions): Promise<ImportResult['signer']> {
  let key: KeyObject;
  try {
    key = verifySshsig(json, sig, PACK_NAMESPACE).publicKey;
  } catch (e) {
    throw new RedeskError('PACK_SIGNATURE_INVALID', `The pack's signature does not verify: ${(e as Error).message}`, {
      cause: e,
      hint: 'pack.json or its signature was altered, or the pack was not signed for redesk-envpack. Get it again from the organizer.',
    });
  }
  let signers: AllowedSigner[];
  try {
    signers = await readAllowedSigners(o.allowedSigners);
  } catch (e) {
    throw new RedeskError('PACK_UNTRUSTED_SIGNER', `The pack is signed by ${fingerprint(key)}, and no organizer is trusted here: ${(e as Error).message}`, {
      cause: e,
      hint: "Put the organizer's public key in allowed_signers (in the data folder), or pass --allowed-signers FILE.",
    });
  }
  const match = findSigner(signers, key, { namespace: PACK_NAMESPACE, ...(o.now ? { now: o.now } : {}) });
  if (!match) {
    throw new RedeskError('PACK_UNTRUSTED_SIGNER', `The pack is signed by ${fingerprint(key)}, which ${o.allowedSigners} does not list for namespace ${PACK_NAMESPACE}.`, {
      hint: "Add the organizer's public key to allowed_signers if you trust it.",
    });
  }
  return { fingerprint: fingerprint(key), principals: match.principals };
}

function parseManifest(json: Buffer): PackManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw packError('PACK_MALFORMED', `pack.json is not JSON: ${(e as Error).message}`);
  }
  const parsed = PackManifestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const unsafe = parsed.error.issues.find((i) => i.message === 'must be a safe relative path');
  if (unsafe) throw packError('PACK_UNSAFE_PATH', `pack.json names an unsafe path at ${unsafe.path.join('.')}.`);
  throw packError('PACK_MALFORMED', `pack.json is not a pack manifest: ${formatIssues(parsed.error).join('; ')}`);
}

/** Streams one entry to `dest`, hashing as it goes; size and sha256 must be what pack.json says. */
async function extract(reader: TarReader, entry: TarEntry, want: PackFile, dest: string): Promise<void> {
  if (entry.size !== want.size) {
    throw packError('PACK_HASH_MISMATCH', `${want.path} is ${entry.size} bytes in the pack; pack.json says ${want.size}.`, want.path);
  }
  await mkdir(dirname(dest), { recursive: true });
  // 'wx': a name that resolves to something already written (case folding, a folder) is refused by the OS.
  const fh = await open(dest, 'wx', 0o644).catch((e: NodeJS.ErrnoException) => {
    throw packError('PACK_UNSAFE_PATH', `${want.path} cannot be written (${e.code}): it clashes with another entry.`, want.path);
  });
  const hash = createHash('sha256');
  try {
    for await (const piece of readerData(reader)) {
      hash.update(piece);
      await fh.write(piece);
    }
  } finally {
    await fh.close();
  }
  const got = hash.digest('hex');
  if (got !== want.sha256) throw packError('PACK_HASH_MISMATCH', `${want.path} has sha256 ${got}; the signed pack.json says ${want.sha256}.`, want.path);
}

async function* readerData(reader: TarReader): AsyncGenerator<Buffer> {
  try {
    yield* reader.data();
  } catch (e) {
    tarError(e);
  }
}

/** The tar layer speaks of bundles; a pack's reader hears PACK_MALFORMED. */
function tarError(e: unknown): never {
  if (isRedeskError(e) && (e.code === 'BUNDLE_MALFORMED' || e.code === 'BUNDLE_TRUNCATED' || e.code === 'BUNDLE_TOO_LARGE')) {
    throw packError('PACK_MALFORMED', e.message.replace(/bundle/g, 'pack'));
  }
  throw e;
}

/** env.json must agree with the signed pack.json: id, version, env hash, and every declared asset accounted for. */
async function checkUnpacked(m: PackManifest, dir: string): Promise<void> {
  let spec;
  try {
    spec = await readEnvJson(dir);
  } catch (e) {
    throw packError('PACK_MALFORMED', `The pack's env.json does not load: ${(e as Error).message}`);
  }
  if (spec.id !== m.env.id || spec.version !== m.env.version) {
    throw packError('PACK_MALFORMED', `env.json is ${spec.id}@${spec.version}; pack.json says ${m.env.id}@${m.env.version}.`);
  }
  const packed = new Set(m.files.filter((f) => f.kind === 'asset').map((f) => f.path));
  const separate = new Set(m.separateAssets);
  for (const a of declaredAssets(spec)) {
    if (!packed.has(a.path) && !separate.has(a.path)) {
      throw packError('PACK_ASSET_MISSING', `env.json declares asset ${a.path}, which is neither in the pack nor marked as supplied separately.`, a.path);
    }
  }
  const env = await loadEnvDir(dir, undefined, { assets: 'none' }).catch((e: unknown) => {
    throw packError('PACK_MALFORMED', `The packed environment does not load: ${(e as Error).message}`);
  });
  if (env.envHash !== m.env.envHash) {
    throw packError('PACK_HASH_MISMATCH', `The unpacked environment hashes to ${env.envHash}; pack.json says ${m.env.envHash}.`);
  }
}

