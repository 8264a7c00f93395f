import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { saveError } from './ioErrors';

/** How the bytes reach the temporary file; tests inject a failing one, since CI cannot fill a disk. */
export type WriteData = (fh: FileHandle, data: Uint8Array) => Promise<void>;

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode (an executable script stays executable). */
  mode?: number;
  writeData?: WriteData;
}

const defaultWriteData: WriteData = async (fh, data) => {
  await fh.writeFile(data);
};

/**
 * Replaces `path` with `data` so that a crash or a full disk leaves either the old file or the new one, never a
 * mix: write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder (so the
 * rename itself survives a power cut). On failure the temporary file is removed and the old file is untouched.
 */
export async function atomicWrite(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = (await existingMode(path)) ?? opts.mode ?? 0o644;
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', mode);
    await (opts.writeData ?? defaultWriteData)(fh, bytes);
    // The umask may have narrowed the mode given to open; set it exactly.
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw saveError(e, path, 'The previous version of the file is kept unchanged.');
  }
  await syncDir(dir);
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** fsync a folder so a rename or a new file in it is durable. Not possible on Windows; skipped there. */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open or fsync a folder; NTFS journals the rename itself.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
