import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BUNDLE_NAMESPACE, type Manifest } from '../../common/bundle/manifest';
import { signSshsig } from '../ssh/sshsig';
import { TarReader } from './tar/TarReader';
import { endOfArchive, fileHeader, padding, ustarBlock } from './tar/tarHeader';

/** Tests only: takes a bundle apart and puts it back together changed, as an attacker (or a careless copy) would. */

export interface RawEntry {
  name: string;
  data: Buffer;
  /** A tar typeflag other than a regular file ('2' symlink, '1' hardlink, '3' device…). */
  flag?: string;
  linkname?: string;
  /** A size to claim in the header instead of the data's length. */
  claimSize?: number;
}

export async function readEntries(file: string): Promise<RawEntry[]> {
  const r = new TarReader(createReadStream(file));
  const out: RawEntry[] = [];
  for (let e = await r.next(); e; e = await r.next()) {
    const parts: Buffer[] = [];
    for await (const p of r.data()) parts.push(Buffer.from(p));
    out.push({ name: e.name, data: Buffer.concat(parts) });
  }
  return out;
}

export function tarBytes(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const size = e.claimSize ?? e.data.length;
    parts.push(e.flag ? ustarBlock(e.name, e.flag === '0' ? size : 0, 0, e.flag, e.linkname) : fileHeader(e.name, size, 0), e.data, Buffer.alloc(padding(e.data.length)));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

export interface Rebuild {
  /** Change the entries after the signature (add, drop, reorder, rewrite). */
  entries?: (list: RawEntry[]) => RawEntry[];
  /** Change the manifest (then it must be re-signed to pass, with signWith). */
  manifest?: (m: Manifest) => void;
  /** Recompute the manifest's file list from the (changed) entries. */
  rehash?: boolean;
  /** Re-sign the manifest with this key; the old signature is kept otherwise. */
  signWith?: KeyObject;
}

export async function rebuildBundle(src: string, dst: string, o: Rebuild): Promise<void> {
  const all = await readEntries(src);
  const [manifestEntry, sigEntry, ...rest] = all;
  const entries = o.entries ? o.entries(rest) : rest;
  let manifestBytes = manifestEntry!.data;
  let sig = sigEntry!.data;
  if (o.manifest || o.rehash) {
    const m = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (o.rehash) m.files = entries.map((e) => ({ path: e.name, sha256: createHash('sha256').update(e.data).digest('hex'), size: e.data.length }));
    o.manifest?.(m);
    manifestBytes = Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
  }
  if (o.signWith) sig = Buffer.from(signSshsig(manifestBytes, o.signWith, BUNDLE_NAMESPACE));
  await writeFile(dst, tarBytes([{ name: 'manifest.json', data: manifestBytes }, { name: 'manifest.json.sig', data: sig }, ...entries]));
}
