import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteErrorInfo } from './EventLog';
import { LogReader } from './LogReader';
import { fillingFs, openTestLog, tempDir, testKey } from './testKit';
import { verifyLog } from './verifyLog';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function dataOnDisk(): Promise<string[]> {
  const out: string[] = [];
  for await (const r of new LogReader(dir).records()) out.push(String(r.data.text ?? r.kind));
  return out;
}

describe('EventLog on a full disk', () => {
  it('keeps the tail in memory, reports DISK_FULL, and writes everything in order when space returns', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, testKey(), { fs });
    const errors: WriteErrorInfo[] = [];
    log.onWriteError((e) => errors.push(e));
    log.append('app', 'app.note', { text: 'a' }, 1);
    await log.flush();
    fs.full = true;
    log.append('app', 'app.note', { text: 'b' }, 2);
    log.append('app', 'app.note', { text: 'c' }, 3);
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(errors[0]).toMatchObject({ code: 'DISK_FULL', pendingRecords: 2 });
    expect(log.writeError?.code).toBe('DISK_FULL');
    expect(log.durableSeq).toBe(0);
    log.append('app', 'app.note', { text: 'd' }, 4);
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });

    fs.full = false;
    expect(await log.flush()).toBe(3);
    expect(log.writeError).toBeUndefined();
    await log.close();
    expect(await dataOnDisk()).toEqual(['a', 'b', 'c', 'd']);
    expect(await verifyLog(dir)).toMatchObject({ ok: true, lastSeq: 3, lastCheckpointSeq: 3 });
  });

  it('goes on from the exact byte when the disk filled in the middle of a write', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, testKey(), { fs });
    log.append('app', 'app.note', { text: 'first' }, 1);
    log.append('app', 'app.note', { text: 'second' }, 2);
    fs.full = true;
    fs.partialBytes = 30;
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });
    const partial = await readFile(join(dir, 'events', 'events-000001.jsonl'), 'utf8');
    expect(partial.length).toBe(30);
    fs.full = false;
    await log.close();
    expect(await dataOnDisk()).toEqual(['first', 'second']);
    expect((await verifyLog(dir)).ok).toBe(true);
  });

  it('retries by itself with backoff, without anyone calling flush', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, testKey(), { fs, tuning: { commitIntervalMs: 1, retryBaseMs: 1, retryMaxMs: 4 } });
    const failedTwice = new Promise<WriteErrorInfo>((resolve) => {
      let n = 0;
      log.onWriteError((e) => ++n === 2 && resolve(e));
    });
    fs.full = true;
    log.append('app', 'app.note', { text: 'x' }, 1);
    const second = await failedTwice;
    expect(second.retryInMs).toBe(2);
    const durable = new Promise<number>((resolve) => log.onDurable(resolve));
    fs.full = false;
    expect(await durable).toBe(0);
    await log.close();
    expect(await dataOnDisk()).toEqual(['x']);
  });

  it('treats EDQUOT as a full disk and other failures as IO_ERROR', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, testKey(), { fs });
    fs.full = true;
    fs.code = 'EDQUOT';
    log.append('app', 'app.note', { text: 'q' }, 1);
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });
    fs.code = 'EIO';
    await expect(log.flush()).rejects.toMatchObject({ code: 'IO_ERROR' });
    fs.full = false;
    await log.close();
    expect(await dataOnDisk()).toEqual(['q']);
  });

  it('keeps a checkpoint that could not be written and writes it first when it can', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, testKey(), { fs });
    log.append('app', 'app.note', { text: 'a' }, 1);
    await log['drain'](); // records durable, no checkpoint yet
    fs.full = true;
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(log.durableSeq).toBe(0);
    expect(log.checkpointSeq).toBe(-1);
    fs.full = false;
    log.append('app', 'app.note', { text: 'b' }, 2);
    await log.close();
    const cps = (await readFile(join(dir, 'events', 'checkpoints.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).seq);
    expect(cps).toEqual([0, 1]);
    expect((await verifyLog(dir)).ok).toBe(true);
  });

  it('loses nothing when the next segment cannot be created', async () => {
    const fs = fillingFs();
    const open = fs.openFile;
    let refuseNewFiles = false;
    fs.openFile = async (path) => {
      if (refuseNewFiles && path.endsWith('events-000002.jsonl')) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      return open(path);
    };
    const log = await openTestLog(dir, testKey(), { fs, tuning: { segmentMaxBytes: 200 } });
    log.append('app', 'app.note', { text: 'x'.repeat(150) }, 1);
    await log.flush();
    refuseNewFiles = true;
    log.append('app', 'app.note', { text: 'y'.repeat(150) }, 2);
    await expect(log.flush()).rejects.toMatchObject({ code: 'DISK_FULL' });
    refuseNewFiles = false;
    await log.close();
    expect((await dataOnDisk()).map((s) => s[0])).toEqual(['x', 'y']);
    expect(await verifyLog(dir)).toMatchObject({ ok: true, segments: 2 });
  });
});
