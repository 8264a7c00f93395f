import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import type { EnvIssue } from './envFiles';
import { sha256File } from './fileHash';

/** Hashes already computed, by absolute path, valid while size and mtime are unchanged; owned by the caller. */
export type AssetHashCache = Map<string, { size: number; mtimeMs: number; sha256: string }>;

export interface AssetCheckOptions {
  /** 'none' skips assets (the preflight checks them); 'size' skips hashing; 'hash' verifies sha256 too. */
  verify: 'none' | 'size' | 'hash';
  cache?: AssetHashCache;
}

/** Each asset must exist, be pinned (sha256 and size in env.json), with that size and, when verifying, that sha256. */
export async function checkAssets(dir: string, assets: EnvSpec['assets'], opts: AssetCheckOptions): Promise<EnvIssue[]> {
  const issues: EnvIssue[] = [];
  if (opts.verify === 'none') return issues;
  for (const [i, asset] of assets.entries()) {
    if (asset.external) continue;
    const where = `assets.${i}.path`;
    const abs = join(dir, asset.path);
    const st = await stat(abs).catch(() => undefined);
    if (!st?.isFile()) {
      issues.push({ code: 'ENV_ASSET_MISSING', where, message: `${where}: asset not found: ${asset.path}` });
      continue;
    }
    if (asset.sha256 === undefined || asset.size === undefined) {
      issues.push({
        code: 'ENV_ASSET_UNPINNED',
        where,
        message: `${where}: ${asset.path} is present but env.json gives no sha256/size; run "redesk env pin" on the environment folder`,
      });
      continue;
    }
    if (st.size !== asset.size) {
      issues.push({
        code: 'ENV_ASSET_HASH_MISMATCH',
        where,
        message: `${where}: ${asset.path} is ${st.size} bytes; env.json says ${asset.size}`,
      });
      continue;
    }
    if (opts.verify === 'size') continue;
    const cached = opts.cache?.get(abs);
    const sha256 =
      cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs ? cached.sha256 : await sha256File(abs);
    opts.cache?.set(abs, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
    if (sha256 !== asset.sha256) {
      issues.push({
        code: 'ENV_ASSET_HASH_MISMATCH',
        where,
        message: `${where}: ${asset.path} has sha256 ${sha256}; env.json says ${asset.sha256}`,
      });
    }
  }
  return issues;
}
