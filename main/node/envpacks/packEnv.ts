import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { lstat, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { checkEnvDir } from '../envs/checkEnvDir';
import { listFiles, sha256File } from '../envs/fileHash';
import { loadEnvDir } from '../envs/loadEnvDir';
import { readEnvJson } from '../envs/readEnvJson';
import { fingerprint, toOpenSsh } from '../keys/openssh';
import { signSshsig } from '../ssh/sshsig';
import { TarFileWriter } from '../bundle/tar/TarFileWriter';
import { FILE_PREFIX, PACK_FORMAT, PACK_JSON, PACK_NAMESPACE, PACK_SIG, packError, type PackFile, type PackManifest } from './packFormat';

export interface PackEnvOptions {
  envDir: string;
  /** Where the pack goes; never overwritten. */
  out: string;
  /** The organizer's Ed25519 private key. */
  key: KeyObject;
  /** Asset paths the organizer hands out separately: left out of the pack, listed in pack.json. */
  separateAssets?: string[];
  now?: Date;
}

export interface PackResult {
  file: string;
  manifest: PackManifest;
  bytes: number;
}

/** Never packed: version control and caches. */
const SKIPPED_PARTS = new Set(['.git', '.hg', '.svn']);

/** Every asset path any variant declares (external ones are not files), with whether it is pinned. */
export function declaredAssets(spec: EnvSpec): { path: string; pinned: boolean; sha256?: string; size?: number }[] {
  const all = [spec.assets, ...Object.values(spec.variants).map((v) => v.assets ?? [])].flat();
  const byPath = new Map<string, { path: string; pinned: boolean; sha256?: string; size?: number }>();
  for (const a of all) {
    if (a.external || byPath.has(a.path)) continue;
    byPath.set(a.path, { path: a.path, pinned: a.sha256 !== undefined, sha256: a.sha256, size: a.size });
  }
  return [...byPath.values()];
}

/**
 * Writes a signed environment pack of `envDir`: its files and every present asset, each hashed, under a pack.json
 * signed by the organizer. Refuses a folder that does not check out, an asset that is absent (unless marked
 * separate), unpinned or differs from its pin, and links inside the folder.
 */
export async function packEnv(o: PackEnvOptions): Promise<PackResult> {
  const envDir = resolve(o.envDir);
  const spec = await readEnvJson(envDir);
  const check = await checkEnvDir(envDir);
  if (!check.ok) {
    throw new RedeskError('ENV_INVALID', `${envDir} does not check out: ${check.issues.join('; ')}`, { hint: `Fix it first; "redesk env check ${envDir}" lists the problems.` });
  }
  const separate = new Set(o.separateAssets ?? []);
  const assets = declaredAssets(spec);
  const unknown = [...separate].filter((p) => !assets.some((a) => a.path === p));
  if (unknown.length) throw new RedeskError('BAD_REQUEST', `--separate-asset names no declared asset: ${unknown.join(', ')}. Declared: ${assets.map((a) => a.path).join(', ') || 'none'}.`);

  const files: PackFile[] = [];
  const assetPaths = new Set(assets.map((a) => a.path));
  for (const rel of (await listFiles(envDir, '.')).sort()) {
    if (rel.split('/').some((p) => SKIPPED_PARTS.has(p)) || assetPaths.has(rel)) continue;
    const st = await lstat(join(envDir, rel));
    if (!st.isFile()) {
      throw packError('PACK_UNSAFE_PATH', `${rel} in ${envDir} is a ${st.isSymbolicLink() ? 'symbolic link' : 'special file'}; packs hold plain files only.`, rel);
    }
    files.push({ path: rel, sha256: await sha256File(join(envDir, rel)), size: st.size, kind: 'file' });
  }
  for (const a of assets) {
    const st = await stat(join(envDir, a.path)).catch(() => undefined);
    if (separate.has(a.path)) continue;
    if (!st?.isFile()) {
      throw packError('PACK_ASSET_MISSING', `Asset ${a.path} is not in ${envDir}; put it there, or pass --separate-asset ${a.path} if the organizer hands it out separately.`, a.path);
    }
    if (!a.pinned) {
      throw new RedeskError('ENV_ASSET_UNPINNED', `Asset ${a.path} has no sha256/size in env.json.`, { hint: `Run "redesk env pin ${envDir}" first.`, where: a.path });
    }
    const sha256 = await sha256File(join(envDir, a.path));
    if (sha256 !== a.sha256 || st.size !== a.size) {
      throw new RedeskError('ENV_ASSET_HASH_MISMATCH', `Asset ${a.path} (${st.size} bytes, sha256 ${sha256}) differs from env.json (${a.size} bytes, ${a.sha256}).`, { where: a.path });
    }
    files.push({ path: a.path, sha256, size: st.size, kind: 'asset' });
  }

  const env = await loadEnvDir(envDir, undefined, { assets: 'none' });
  const publicKey = createPublicKey(o.key);
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    env: { id: spec.id, version: spec.version, title: spec.title, envHash: env.envHash },
    createdAt: (o.now ?? new Date()).toISOString(),
    signer: { fingerprint: fingerprint(publicKey), publicKey: toOpenSsh(publicKey) },
    files,
    separateAssets: [...separate].sort(),
  };
  const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const sig = Buffer.from(signSshsig(json, o.key, PACK_NAMESPACE), 'utf8');

  const out = resolve(o.out);
  if (await stat(out).catch(() => undefined)) throw new RedeskError('BAD_REQUEST', `${out} already exists; packs are never overwritten.`, { where: out });
  const part = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.part`);
  const mtime = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const w = await TarFileWriter.create(part, 0, { syncEarly: true });
  try {
    await w.addBytes(PACK_JSON, json, mtime);
    await w.addBytes(PACK_SIG, sig, mtime);
    for (const f of files) {
      const written = await w.addFile(FILE_PREFIX + f.path, join(envDir, f.path), f.size, mtime);
      if (written !== f.sha256) throw new RedeskError('BUNDLE_SOURCE_CHANGED', `${f.path} changed while the pack was being written; no pack was written.`, { where: f.path });
    }
    const bytes = await w.end();
    await w.close({ sync: true });
    await rename(part, out);
    return { file: out, manifest, bytes };
  } catch (e) {
    await w.close({ sync: false }).catch(() => undefined);
    await rm(part, { force: true });
    throw e;
  }
}
