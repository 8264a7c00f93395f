import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import type { EnvIssue } from './envFiles';
import { sha256File } from './fileHash';

/** Hashes already computed, by absolute path, valid while size and mtime are unchanged; owned by the caller. */
export type AssetHashCache = Map<string, { size: number; mtimeMs: number; sha256: string }>;

export interface AssetCheckOptions {
  /** 'size' skips hashing (for listing many environments quickly); 'hash' verifies sha256 too. */
  verify: 'size' | 'hash';
  cache?: AssetHashCache;
}

/** Each asset must exist with the declared size and, when verifying, the declared sha256. */
export async function checkAssets(dir: string, assets: EnvSpec['assets'], opts: AssetCheckOptions): Promise<EnvIssue[]> {
  const issues: EnvIssue[] = [];
  for (const [i, asset] of assets.entries()) {
    const where = `assets.${i}.path`;
    const abs = join(dir, asset.path);
    const st = await stat(abs).catch(() => undefined);
    if (!st?.isFile()) {
      issues.push({ code: 'ENV_ASSET_MISSING', where, message: `${where}: asset not found: ${asset.path}` });
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
