import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import { listFiles } from './fileHash';

/** A problem found in an environment folder: its code, the field it is about, and what is wrong. */
export interface EnvIssue {
  code: 'ENV_INVALID' | 'ENV_ASSET_MISSING' | 'ENV_ASSET_HASH_MISMATCH' | 'ENV_ASSET_UNPINNED';
  where: string;
  message: string;
}

/**
 * argv entries that name files in the environment folder (e.g. scorer/score.py): relative, no placeholder, not an
 * option, and either existing or looking like a path. Those are hashed into the scorer hash and must exist.
 */
export function argvFiles(dir: string, argv: readonly string[]): { index: number; path: string; exists: boolean }[] {
  const out: { index: number; path: string; exists: boolean }[] = [];
  argv.forEach((arg, index) => {
    if (arg.includes('{') || arg.startsWith('-') || isAbsolute(arg) || /\s/.test(arg)) return;
    const abs = join(dir, arg);
    const exists = existsSync(abs) && statSync(abs).isFile();
    if (exists || /[\\/]/.test(arg)) out.push({ index, path: arg.replaceAll('\\', '/'), exists });
  });
  return out;
}

/** Relative paths of the scorer's files: scorer.files plus files named in argv. */
export function scorerFiles(dir: string, spec: EnvSpec): string[] {
  const named = argvFiles(dir, spec.scorer.argv)
    .filter((f) => f.exists)
    .map((f) => f.path);
  return [...new Set([...spec.scorer.files, ...named])].sort();
}

/** The files the instructions, starter and scorer fields name must be there, with the right kind. */
export function checkEnvFiles(dir: string, spec: EnvSpec): EnvIssue[] {
  const issues: EnvIssue[] = [];
  const need = (where: string, rel: string, kind: 'file' | 'folder') => {
    const abs = join(dir, rel);
    if (!existsSync(abs)) {
      issues.push({ code: 'ENV_INVALID', where, message: `${where}: ${kind} not found: ${rel}` });
    } else if (statSync(abs).isDirectory() !== (kind === 'folder')) {
      issues.push({ code: 'ENV_INVALID', where, message: `${where}: ${rel} is not a ${kind}` });
    }
  };
  need('instructions', spec.instructions, 'file');
  need('starter', spec.starter, 'folder');
  spec.scorer.files.forEach((f, i) => need(`scorer.files.${i}`, f, 'file'));
  for (const f of argvFiles(dir, spec.scorer.argv)) {
    if (!f.exists) need(`scorer.argv.${f.index}`, f.path, 'file');
  }
  return issues;
}

/** Every file the envHash covers: env.json, instructions, the starter folder's files and the scorer's files. */
export async function envHashedFiles(dir: string, spec: EnvSpec): Promise<string[]> {
  const starter = await listFiles(dir, spec.starter.replace(/\/+$/, ''));
  return ['env.json', spec.instructions, ...starter, ...scorerFiles(dir, spec)];
}
