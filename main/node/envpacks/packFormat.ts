import { z } from 'zod';
import { RedeskError } from '../../common/errors';

/**
 * An environment pack (`.redeskenv`): a tar whose first entry is pack.json (what the pack holds, with every file's
 * sha256 and size), second pack.json.sig (SSHSIG over pack.json's bytes, namespace "redesk-envpack", by the
 * organizer's key), then each file as `env/<path>` in the order pack.json lists them. Trusting the signature and
 * checking each file against pack.json is trusting every byte.
 */
export const PACK_FORMAT = 'redesk-envpack/1';
export const PACK_NAMESPACE = 'redesk-envpack';
export const PACK_JSON = 'pack.json';
export const PACK_SIG = 'pack.json.sig';
export const FILE_PREFIX = 'env/';
/** pack.json and its signature are read into memory; larger ones are not ours. */
export const MAX_PACK_JSON_BYTES = 8 * 1024 * 1024;
export const MAX_SIG_BYTES = 16 * 1024;
export const PACK_EXTENSION = '.redeskenv';

/** A relative '/'-separated path with no empty, '.' or '..' part, no backslash, NUL or drive letter. */
export function isSafeRelPath(p: string): boolean {
  if (!p || p.length > 4096 || p.startsWith('/') || /[\\\0]/.test(p) || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const packPath = z.string().refine(isSafeRelPath, { message: 'must be a safe relative path' });

export const PackFileSchema = z
  .object({
    path: packPath,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    /** 'asset': a file env.json declares under assets; 'file': the environment's own sources. */
    kind: z.enum(['file', 'asset']),
  })
  .strict();

export const PackManifestSchema = z
  .object({
    format: z.literal(PACK_FORMAT),
    env: z
      .object({
        id: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
        version: z.string().min(1),
        title: z.string(),
        /** envHash of the packed folder (default variant), as `redesk env check` prints it. */
        envHash: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    createdAt: z.string(),
    /** The organizer key that signed (informative: the signature is what counts). */
    signer: z.object({ fingerprint: z.string(), publicKey: z.string() }).strict(),
    files: z.array(PackFileSchema),
    /** Assets env.json declares that the organizer hands out separately (too large to ship, licensed). */
    separateAssets: z.array(packPath).default([]),
  })
  .strict();

export type PackManifest = z.infer<typeof PackManifestSchema>;
export type PackFile = z.infer<typeof PackFileSchema>;

export function packError(code: 'PACK_MALFORMED' | 'PACK_UNSAFE_PATH' | 'PACK_HASH_MISMATCH' | 'PACK_ASSET_MISSING', message: string, where?: string): RedeskError {
  const hints = {
    PACK_MALFORMED: 'The file is not a redesk environment pack, or it was damaged: get it again from the organizer.',
    PACK_UNSAFE_PATH: 'The pack tries to write outside its folder or carries links: it was not made by `redesk env pack`. Do not use it.',
    PACK_HASH_MISMATCH: 'A file differs from what the signed pack.json says: the pack was damaged or altered. Get it again from the organizer.',
    PACK_ASSET_MISSING: 'Ask the organizer for a pack with every asset, or one that marks the asset as supplied separately.',
  } as const;
  return new RedeskError(code, message, { hint: hints[code], ...(where ? { where } : {}) });
}
