import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir, type WriteData } from './atomicWrite';
import { saveError } from './ioErrors';

export interface AppendOptions {
  /** How the bytes reach the file; tests inject a failing one (a full disk cannot be made in CI). */
  writeData?: WriteData;
}

export interface AppendResult {
  /** Bytes of a torn last line (a crash mid-append, never acknowledged) removed before this append. */
  repairedBytes: number;
}

const NL = 0x0a;

/**
 * Appends one line and makes it durable (fdatasync) before returning, so a caller may report it as saved.
 * A failed append (disk full) is cut back off, and a torn line left by an earlier crash is removed first:
 * either way the lines already in the file stay intact and the file keeps ending in a newline.
 */
export async function appendLine(path: string, line: string, opts: AppendOptions = {}): Promise<AppendResult> {
  if (line.includes('\n')) throw new Error('appendLine: a line must not contain a newline');
  const bytes = Buffer.from(line + '\n', 'utf8');
  const created = await stat(path).then(
    () => false,
    () => true,
  );
  let fh: FileHandle | undefined;
  let size: number;
  let repairedBytes = 0;
  try {
    // O_APPEND: every write lands at the end, whoever makes it; reads and truncate still work on this handle.
    fh = await open(path, 'a+', 0o644);
    size = (await fh.stat()).size;
    const whole = await lastNewlineEnd(fh, size);
    if (whole < size) {
      repairedBytes = size - whole;
      await fh.truncate(whole);
      size = whole;
    }
    try {
      await (opts.writeData ?? writeAll)(fh, bytes);
      await fh.datasync();
    } catch (e) {
      // Cut a partial line back off so the earlier lines stay a valid log.
      await fh.truncate(size).catch(() => undefined);
      await fh.datasync().catch(() => undefined);
      throw e;
    }
  } catch (e) {
    throw saveError(e, path, 'Every line saved before this one is intact.');
  } finally {
    await fh?.close().catch(() => undefined);
  }
  if (created) await syncDir(dirname(path));
  return { repairedBytes };
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
}

/** Offset just after the last newline (0 when there is none): where the whole lines end. */
async function lastNewlineEnd(fh: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await fh.read(chunk, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) if (chunk[i] === NL) return start + i + 1;
    end = start;
  }
  return 0;
}

export interface JsonLines {
  values: unknown[];
  /** A last line without its newline: a crash mid-append; dropped, as it was never acknowledged. */
  tornTail: boolean;
  /** 1-based numbers of complete lines that are not JSON (damage from outside); skipped. */
  badLines: number[];
}

/** Reads a JSON Lines file, tolerating a torn last line. A missing file reads as empty. */
export async function readJsonLines(path: string): Promise<JsonLines> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { values: [], tornTail: false, badLines: [] };
    throw e;
  }
  const parts = text.split('\n');
  const tail = parts.pop() ?? '';
  const out: JsonLines = { values: [], tornTail: tail.length > 0, badLines: [] };
  parts.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.values.push(JSON.parse(line));
    } catch {
      out.badLines.push(i + 1);
    }
  });
  return out;
}
