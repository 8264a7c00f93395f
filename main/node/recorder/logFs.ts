import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { atomicWrite, syncDir } from '../store/atomicWrite';

/** An open log file written at explicit positions, so a retried write lands on the same bytes. */
export interface LogFile {
  /** One positional write; may write fewer bytes than asked (a filling disk does). */
  write(buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** fdatasync: the bytes (not necessarily the mtime) are on the device. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** The file operations the recorder uses; tests wrap it to make a disk fill up (CI cannot fill a real one). */
export interface LogFs {
  mkdirp(dir: string): Promise<void>;
  /** Names in dir; [] when dir does not exist. */
  readdir(dir: string): Promise<string[]>;
  /** The file's bytes; undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Opens for positional read/write, creating it empty when missing; never truncates. */
  openFile(path: string): Promise<LogFile>;
  /** Replaces path with data so a crash leaves the old or the new content, never a mix. */
  writeFileAtomic(path: string, data: string): Promise<void>;
  /** Makes a created or renamed entry in dir survive a power cut (a no-op where folders cannot be synced). */
  syncDir(dir: string): Promise<void>;
}

export const nodeLogFs: LogFs = {
  mkdirp: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  readdir: async (dir) => {
    try {
      return await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },
  readFile: async (path) => {
    try {
      return await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  openFile: async (path) => {
    // Not O_APPEND: on Linux it makes pwrite ignore the position, and positions are what make retries safe.
    const fh = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    return {
      write: async (buf, offset, length, position) => (await fh.write(buf, offset, length, position)).bytesWritten,
      datasync: () => fh.datasync(),
      truncate: (length) => fh.truncate(length),
      size: async () => (await fh.stat()).size,
      close: () => fh.close(),
    };
  },
  writeFileAtomic: (path, data) => atomicWrite(path, data),
  syncDir,
};
