import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestEntry } from '../testEntry';
import { openTestLog, tempDir, testKey } from './testKit';
import { verifyLog } from './verifyLog';
import { verifyLogOffThread } from './verifyOffThread';

let worker: { entry: string; cleanup: () => void };
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  worker = await buildTestEntry('main/node/recorder/verifyWorkerMain.ts', 'verifyWorker');
  ({ dir, cleanup } = await tempDir());
  const log = await openTestLog(dir, testKey());
  for (let i = 0; i < 20; i++) log.append('pty', 'pty.output', { ptyId: 'p', data: `line ${i}\n` }, i * 10);
  await log.close();
}, 60_000);
afterAll(async () => {
  worker?.cleanup();
  await cleanup?.();
});

describe('verifyLogOffThread', () => {
  it('gives what verifyLog gives, in a worker thread and without one, for a good log and an edited one', async () => {
    const here = await verifyLog(dir);
    expect(here.ok).toBe(true);
    expect(await verifyLogOffThread(dir, worker.entry)).toEqual(here);
    expect(await verifyLogOffThread(dir, join(dir, 'not-built.js'))).toEqual(here);
    const seg = join(dir, 'events', 'events-000001.jsonl');
    await writeFile(seg, (await readFile(seg, 'utf8')).replace('line 7', 'line 8'));
    const edited = await verifyLogOffThread(dir, worker.entry);
    expect(edited.ok).toBe(false);
    expect(edited).toEqual(await verifyLog(dir));
  });
});
