import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../common/clock';
import type { Ed25519KeyPair } from '../keys/keyStore';
import { silentLogger } from '../systemClock';
import { EventLog, type EventLogOptions } from './EventLog';
import { nodeLogFs, type LogFs } from './logFs';

/** Shared by the recorder's tests: a clock they move by hand, keys, temp folders, and a disk that can fill up. */

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(startWall = Date.UTC(2025, 0, 1, 9, 0, 0)): ManualClock {
  let mono = 1_000;
  let wall = startWall;
  return {
    monoMs: () => mono,
    bootId: () => 'test-boot',
    wallMs: () => wall,
    advance: (ms) => {
      mono += ms;
      wall += ms;
    },
  };
}

export function testKey(): Ed25519KeyPair {
  return generateKeyPairSync('ed25519');
}

export async function tempDir(prefix = 'redesk-rec-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Opens a log with test defaults: a manual clock, a silent logger, timers long enough that only flush() writes. */
export function openTestLog(attemptDir: string, key: Ed25519KeyPair, over: Partial<EventLogOptions> = {}): Promise<EventLog> {
  return EventLog.open({
    attemptDir,
    attemptId: 'att-test',
    key,
    clock: over.clock ?? manualClock(),
    logger: silentLogger,
    ...over,
    tuning: { commitIntervalMs: 60_000, checkpointIntervalMs: 60_000, retryBaseMs: 60_000, retryMaxMs: 60_000, ...over.tuning },
  });
}

/** A LogFs whose writes fail with `code` (ENOSPC by default) while `full` is set; counts what was attempted. */
export interface FillingFs extends LogFs {
  full: boolean;
  code: string;
  failedWrites: number;
  writeCalls: number;
  /** When full, let this many bytes of the next write through first (a disk filling mid-write). */
  partialBytes: number;
}

export function fillingFs(base: LogFs = nodeLogFs): FillingFs {
  const fs: FillingFs = {
    ...base,
    full: false,
    code: 'ENOSPC',
    failedWrites: 0,
    writeCalls: 0,
    partialBytes: 0,
    openFile: async (path) => {
      const f = await base.openFile(path);
      return {
        ...f,
        write: async (buf, offset, length, position) => {
          fs.writeCalls++;
          if (fs.full) {
            if (fs.partialBytes > 0) {
              const n = Math.min(fs.partialBytes, length);
              fs.partialBytes = 0;
              return f.write(buf, offset, n, position);
            }
            fs.failedWrites++;
            throw Object.assign(new Error(`${fs.code}: no space left on device, write`), { code: fs.code });
          }
          return f.write(buf, offset, length, position);
        },
      };
    },
  };
  return fs;
}

/** Stops a log as a kill would: timers gone, files closed, whatever was not written stays unwritten. */
export async function simulateCrash(log: EventLog): Promise<void> {
  const l = log as unknown as Record<string, unknown>;
  for (const t of ['commitTimer', 'retryTimer']) clearTimeout(l[t] as NodeJS.Timeout | undefined);
  l.closed = true;
  await (l.segment as { close(): Promise<void> }).close();
  await (l.checkpointer as { close(): Promise<void> }).close();
}
