import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { atomicWrite } from '../store/atomicWrite';
import { variantNames } from './applyVariant';
import { sha256File } from './fileHash';
import { readEnvJson } from './readEnvJson';

export interface PinnedAsset {
  path: string;
  /** Where in env.json: "assets" or "variants.<name>.assets". */
  list: string;
  status: 'pinned' | 'unchanged' | 'missing' | 'external';
  sha256?: string;
  size?: number;
  /** The pin it replaced, when it differed. */
  was?: { sha256?: string; size?: number };
}

export interface PinResult {
  file: string;
  assets: PinnedAsset[];
  /** Whether env.json was rewritten. */
  written: boolean;
}

interface RawAsset {
  path: string;
  sha256?: string;
  size?: number;
  external?: boolean;
}

/**
 * Hashes the asset files present in an environment folder and writes their sha256 and size into env.json. With a
 * variant: the asset list that variant uses (its own when it has one); without: every asset list in env.json.
 * Absent files are reported, never invented; env.json is rewritten (atomically) only when a pin changed.
 */
export async function pinAssets(dir: string, variant?: string): Promise<PinResult> {
  const abs = resolve(dir);
  const spec = await readEnvJson(abs);
  const file = join(abs, 'env.json');
  const raw = JSON.parse(await readFile(file, 'utf8')) as { assets?: RawAsset[]; variants?: Record<string, { assets?: RawAsset[] }> };
  const lists: { name: string; assets: RawAsset[] }[] = [];
  if (variant !== undefined) {
    if (!variantNames(spec).includes(variant) || !spec.variants[variant]) {
      throw new RedeskError('ENV_INVALID', `No variant "${variant}" in ${file}; variants: ${Object.keys(spec.variants).join(', ') || 'none'}.`, { where: 'variants' });
    }
    const own = raw.variants?.[variant]?.assets;
    lists.push(own ? { name: `variants.${variant}.assets`, assets: own } : { name: 'assets', assets: (raw.assets ??= []) });
  } else {
    lists.push({ name: 'assets', assets: raw.assets ?? [] });
    for (const [name, v] of Object.entries(raw.variants ?? {})) if (v.assets) lists.push({ name: `variants.${name}.assets`, assets: v.assets });
  }
  const out: PinnedAsset[] = [];
  let changed = false;
  for (const { name, assets } of lists) {
    for (const a of assets) {
      if (a.external) {
        out.push({ path: a.path, list: name, status: 'external' });
        continue;
      }
      const st = await stat(join(abs, a.path)).catch(() => undefined);
      if (!st?.isFile()) {
        out.push({ path: a.path, list: name, status: 'missing' });
        continue;
      }
      const sha256 = await sha256File(join(abs, a.path));
      const same = a.sha256 === sha256 && a.size === st.size;
      out.push({
        path: a.path,
        list: name,
        status: same ? 'unchanged' : 'pinned',
        sha256,
        size: st.size,
        ...(!same && (a.sha256 !== undefined || a.size !== undefined) ? { was: { sha256: a.sha256, size: a.size } } : {}),
      });
      if (!same) {
        a.sha256 = sha256;
        a.size = st.size;
        changed = true;
      }
    }
  }
  if (changed) {
    await atomicWrite(file, `${JSON.stringify(raw, null, 2)}\n`);
    // What was written must still be a valid env.json.
    await readEnvJson(abs);
  }
  return { file, assets: out, written: changed };
}
