import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unsafePathReason } from '../../common/bundle/bundlePath';
import { BundleEntry, ManifestSchema, type Manifest } from '../../common/bundle/manifest';
import { formatIssues } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { EVENTS_ENTRY_RE } from '../bundle/trajectory';
import { TarReader, type TarEntry } from '../bundle/tar/TarReader';

/** A manifest lists every file; even a million of them fit in this (verifyBundle's bound). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** What replay extracts (trajectory, casts, score log) stays under this, whatever the bundle claims. */
const MAX_EXTRACT_BYTES = 8 * 1024 * 1024 * 1024;
const CAST_ENTRY_RE = /^casts\/[A-Za-z0-9._-]+\.cast$/;

/**
 * Writes what replay needs from a bundle into `dest` (an empty folder the caller owns): events/, casts/,
 * scores.jsonl, and a state.json made from the manifest's attempt facts (envId, baseline, scores). Nothing else is
 * written, and nothing outside `dest`: names are checked before use and only regular files are read. Hashes are
 * not checked here; verifyBundles does that, and its verdict goes with the replay.
 */
export async function extractBundleForReplay(file: string, dest: string): Promise<Manifest> {
  const reader = new TarReader(createReadStream(file, { highWaterMark: 1 << 20 }));
  try {
    const first = await reader.next();
    if (!first || first.name !== BundleEntry.manifest) throw new RedeskError('BUNDLE_MALFORMED', `${file} does not start with ${BundleEntry.manifest}; it is not a redesk bundle.`);
    checkEntry(first);
    if (first.size > MAX_MANIFEST_BYTES) throw new RedeskError('BUNDLE_TOO_LARGE', `manifest.json claims ${first.size} bytes.`);
    const parts: Buffer[] = [];
    for await (const p of reader.data()) parts.push(Buffer.from(p));
    const manifest = parseManifest(Buffer.concat(parts));
    let written = 0;
    for (let e = await reader.next(); e; e = await reader.next()) {
      checkEntry(e);
      if (!EVENTS_ENTRY_RE.test(e.name) && !CAST_ENTRY_RE.test(e.name) && e.name !== BundleEntry.scores) continue;
      written += e.size;
      if (written > MAX_EXTRACT_BYTES) throw new RedeskError('BUNDLE_TOO_LARGE', `The trajectory and casts exceed ${MAX_EXTRACT_BYTES} bytes; replay stops at ${e.name}.`, { where: e.name });
      const target = join(dest, ...e.name.split('/'));
      await mkdir(dirname(target), { recursive: true });
      // 'wx': a name seen twice (a duplicate entry) is refused rather than overwritten.
      const fh = await open(target, 'wx', 0o600);
      try {
        for await (const p of reader.data()) await fh.write(p);
      } finally {
        await fh.close();
      }
    }
    await writeFile(join(dest, 'state.json'), JSON.stringify(stateFromManifest(manifest), null, 2), { mode: 0o600 });
    return manifest;
  } finally {
    await reader.close().catch(() => undefined);
  }
}

/** The fields of an attempt's state.json that replay reads, from the sealed manifest. */
export function stateFromManifest(m: Manifest): Record<string, unknown> {
  return {
    id: m.attempt.id,
    envId: m.env.id,
    envVersion: m.env.version,
    envTitle: m.env.title,
    practice: m.attempt.practice,
    state: m.attempt.state,
    createdAt: m.attempt.createdAt,
    startedAt: m.attempt.startedAt,
    submittedAt: m.attempt.submittedAt,
    timeLimitMs: m.attempt.timeLimitMs,
    ...(m.score.baseline ? { baseline: m.score.baseline } : {}),
    finalScore: m.score.final,
    normalizedScore: m.score.normalized,
    ...(m.agent ? { agent: m.agent } : {}),
  };
}

function checkEntry(e: TarEntry): void {
  const why = unsafePathReason(e.name);
  if (why) throw new RedeskError('BUNDLE_UNSAFE_PATH', `The entry at byte ${e.offset} is named ${JSON.stringify(e.name.slice(0, 200))}: ${why}.`, { where: e.name });
  if (e.type !== 'file') throw new RedeskError('BUNDLE_UNSAFE_ENTRY', `${e.name} is not a regular file; a bundle holds regular files only.`, { where: e.name });
}

function parseManifest(bytes: Buffer): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RedeskError('BUNDLE_MALFORMED', `manifest.json is not JSON: ${(e as Error).message}`);
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) throw new RedeskError('BUNDLE_MALFORMED', `manifest.json: ${formatIssues(r.error).slice(0, 3).join('; ')}`);
  return r.data;
}
