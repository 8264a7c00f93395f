import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FileEntry } from '../../common/api';

/** Folders no one edits by hand and that can hold hundreds of thousands of files. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '__pycache__']);

/** Whether a workspace-relative path ('/' separated) lies inside a skipped folder. */
export function isSkippedPath(rel: string): boolean {
  return rel.split('/').some((seg) => SKIPPED_DIRS.has(seg));
}

export function isInside(parentReal: string, childReal: string): boolean {
  return childReal === parentReal || childReal.startsWith(parentReal.endsWith(sep) ? parentReal : parentReal + sep);
}

export interface WalkResult {
  entries: FileEntry[];
  /** True when the cap cut the listing short. */
  truncated: boolean;
}

/**
 * Lists a folder depth-first in name order, folders before their contents. Skipped folders are left out; symbolic
 * links are listed as what they point to only when that is a file inside the folder (a linked folder is not
 * followed, so a link cannot loop or lead outside).
 */
export async function walk(rootReal: string, maxEntries: number): Promise<WalkResult> {
  const entries: FileEntry[] = [];
  let truncated = false;
  const visit = async (absDir: string, relDir: string): Promise<void> => {
    let names;
    try {
      names = await readdir(absDir, { withFileTypes: true });
    } catch {
      return; // removed while we walked, or unreadable: leave it out
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      if (entries.length >= maxEntries) {
        truncated = true;
        return;
      }
      const abs = join(absDir, d.name);
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (SKIPPED_DIRS.has(d.name)) continue;
        const s = await stat(abs).catch(() => undefined);
        if (!s) continue;
        entries.push({ path: rel, kind: 'dir', size: 0, mtimeMs: s.mtimeMs });
        await visit(abs, rel);
      } else if (d.isFile()) {
        const s = await stat(abs).catch(() => undefined);
        if (s) entries.push({ path: rel, kind: 'file', size: s.size, mtimeMs: s.mtimeMs });
      } else if (d.isSymbolicLink()) {
        const real = await realpath(abs).catch(() => undefined);
        if (!real || !isInside(rootReal, real)) continue;
        const s = await stat(real).catch(() => undefined);
        if (s?.isFile()) entries.push({ path: rel, kind: 'file', size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await visit(rootReal, '');
  return { entries, truncated };
}
