import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { unsafePathReason } from '../../common/bundle/bundlePath';
import type { EnvSpec } from '../../common/envSchema';
import { SubmissionSchema } from '../../common/envSchema';
import { GlobSet } from './glob';

export type SubmissionSpec = EnvSpec['submission'];

export interface SubmissionFile {
  /** '/'-separated, relative to the workspace. */
  rel: string;
  abs: string;
  size: number;
}

export interface SubmissionPlan {
  /** Copied into the bundle under submission/. */
  files: SubmissionFile[];
  /** Larger than maxFileBytes: listed by hash and size only. */
  omitted: SubmissionFile[];
  /** Matching entries that are not regular files, or whose names a bundle cannot hold. */
  skipped: { path: string; reason: string }[];
}

/** What env.json says when an environment gives no submission rules (or cannot be loaded). */
export const DEFAULT_SUBMISSION: SubmissionSpec = SubmissionSchema.parse({});

/**
 * The workspace files the submission holds: those matching `include` and not `exclude`, sorted by path. Links are
 * never followed (a link could point anywhere on the expert's disk); excluded folders are not entered.
 */
export async function planSubmission(workspaceDir: string, spec: SubmissionSpec = DEFAULT_SUBMISSION): Promise<SubmissionPlan> {
  const include = new GlobSet(spec.include);
  const exclude = new GlobSet(spec.exclude);
  const plan: SubmissionPlan = { files: [], omitted: [], skipped: [] };
  const walk = async (relDir: string): Promise<void> => {
    const entries = await readdir(join(workspaceDir, relDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (exclude.matches(rel)) continue;
      const abs = join(workspaceDir, rel);
      if (e.isDirectory()) {
        await walk(rel);
        continue;
      }
      if (!include.matches(rel)) continue;
      const why = unsafePathReason(`submission/${rel}`);
      if (why) {
        plan.skipped.push({ path: rel, reason: `a bundle cannot hold this name: ${why}` });
        continue;
      }
      const st = await lstat(abs);
      if (!st.isFile()) {
        plan.skipped.push({ path: rel, reason: st.isSymbolicLink() ? 'symbolic link (links are not followed)' : 'not a regular file' });
        continue;
      }
      (st.size > spec.maxFileBytes ? plan.omitted : plan.files).push({ rel, abs, size: st.size });
    }
  };
  await walk('');
  // Folder-by-folder order is not plain path order ("a/b" vs "a-b"); the manifest lists plain path order.
  const byPath = (a: SubmissionFile, b: SubmissionFile) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
  plan.files.sort(byPath);
  plan.omitted.sort(byPath);
  return plan;
}
