import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SALT_FILE = 'review.salt';

/**
 * The folder's salt for blind ids, made on first use. Blindness is for the reviewer's eyes, not a secret from a
 * determined one: the salt sits beside the bundles. It keeps ids from being the manifest hash (which a reviewer
 * could look up in the bundles) and differs between review folders.
 */
export async function reviewSalt(dir: string): Promise<string> {
  const path = join(dir, SALT_FILE);
  try {
    const s = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{32,}$/.test(s)) return s;
  } catch {
    // Made below.
  }
  const salt = randomBytes(16).toString('hex');
  try {
    await writeFile(path, `${salt}\n`, { flag: 'wx', mode: 0o644 });
    return salt;
  } catch {
    // Another process made it first: use theirs.
    return (await readFile(path, 'utf8')).trim();
  }
}

/** `B-` and 8 hex digits of sha256(salt, bundle sha256): what a blind reviewer sees instead of the attempt. */
export function blindId(salt: string, bundleSha256: string): string {
  return `B-${createHash('sha256').update(`${salt}:${bundleSha256}`).digest('hex').slice(0, 8)}`;
}
