import { appendFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../common/events/record';
import type { Ed25519KeyPair } from '../keys/keyStore';
import { LogReader } from './LogReader';
import { manualClock, openTestLog, tempDir, testKey } from './testKit';
import { verifyLog } from './verifyLog';

let dir: string;
let cleanup: () => Promise<void>;
let key: Ed25519KeyPair;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  key = testKey();
});
afterEach(() => cleanup());

const seg1 = () => join(dir, 'events', 'events-000001.jsonl');
const cpPath = () => join(dir, 'events', 'checkpoints.jsonl');

async function records(): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const r of new LogReader(dir).records()) out.push(r);
  return out;
}

/** Three records, flushed and checkpointed, closed; the wall clock at 09:00:00Z. */
async function threeRecords(): Promise<void> {
  const log = await openTestLog(dir, key);
  log.append('app', 'app.start', {}, 0);
  log.append('pty', 'pty.input', { ptyId: 'p', data: 'l' }, 100);
  log.append('pty', 'pty.output', { ptyId: 'p', data: 'l' }, 110);
  await log.close();
}

describe('EventLog recovery', () => {
  it('cuts a torn last line, goes on from the last good record, and marks the gap', async () => {
    await threeRecords();
    const torn = '{"seq":3,"t":120,"wall":"2025-01-01T09:0';
    await appendFile(seg1(), torn);
    const clock = manualClock(Date.UTC(2025, 0, 1, 9, 1, 0));
    const log = await openTestLog(dir, key, { clock });
    expect(log.recovery).toMatchObject({ lastSeq: 2, lastT: 110, droppedTornBytes: torn.length, gapWallMs: 60_000 });
    log.append('pty', 'pty.input', { ptyId: 'p', data: 's' }, 130);
    await log.close();

    const rs = await records();
    expect(rs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(rs[3]).toMatchObject({ kind: 'app.recovered', t: 110, data: { gapWallMs: 60_000, droppedTornBytes: torn.length, lastSeq: 2, clean: false } });
    expect(await readFile(seg1(), 'utf8')).not.toContain(torn + '\n');
    expect(await verifyLog(dir)).toMatchObject({ ok: true, lastSeq: 4 });
  });

  it('treats an unparsable very last line as torn', async () => {
    await threeRecords();
    await appendFile(seg1(), '\u0000\u0000garbage\n');
    const log = await openTestLog(dir, key);
    expect(log.recovery?.droppedTornBytes).toBe(10);
    await log.close();
    expect(await verifyLog(dir)).toMatchObject({ ok: true, lastSeq: 3 });
  });

  it('marks a reopen after a clean close too, with the attempt time the caller gives', async () => {
    await threeRecords();
    const log = await openTestLog(dir, key, { resumeT: 5_000 });
    await log.close();
    const last = (await records()).at(-1)!;
    expect(last).toMatchObject({ seq: 3, t: 5_000, kind: 'app.recovered', data: { droppedTornBytes: 0, lastSeq: 2, clean: true } });
  });

  it('tells a crash from a clean close: records written after the reopen and never closed make the next reopen unclean', async () => {
    await threeRecords();
    const crashed = await openTestLog(dir, key);
    expect(crashed.recovery?.clean).toBe(true);
    crashed.append('pty', 'pty.input', { ptyId: 'p', data: 'x' }, 200);
    await crashed.flush();
    // No close: the process died here. Even a crash right after reopening (no new record durable) is not clean.
    const next = await openTestLog(dir, key);
    expect(next.recovery).toMatchObject({ lastSeq: 4, clean: false });
    const again = await openTestLog(dir, key);
    expect(again.recovery).toMatchObject({ lastSeq: 5, clean: false });
    await again.close();
    expect((await records()).filter((r) => r.kind === 'app.recovered').map((r) => r.data.clean)).toEqual([true, false, false]);
    expect(await verifyLog(dir)).toMatchObject({ ok: true });
  });

  it('cuts a torn checkpoint line', async () => {
    await threeRecords();
    await appendFile(cpPath(), '{"seq":9,"head":"ab');
    const log = await openTestLog(dir, key);
    expect(log.recovery?.droppedTornCheckpointBytes).toBe(19);
    await log.close();
    const r = await verifyLog(dir);
    expect(r.ok).toBe(true);
    expect(r.tornCheckpointBytes).toBeUndefined();
  });

  it('refuses to extend a log edited after its last checkpoint', async () => {
    const log = await openTestLog(dir, key);
    log.append('app', 'app.start', {}, 0);
    await log.flush(); // checkpoint at 0
    log.append('app', 'app.note', { text: 'honest' }, 1);
    log.append('app', 'app.note', { text: 'after' }, 2);
    await log['drain'](); // durable, not checkpointed
    await log.close(); // close checkpoints 2; cut that checkpoint to test the chain check alone
    const cps = (await readFile(cpPath(), 'utf8')).split('\n');
    await writeFile(cpPath(), `${cps[0]}\n`);
    await writeFile(seg1(), (await readFile(seg1(), 'utf8')).replace('honest', 'h0nest'));
    await expect(openTestLog(dir, key)).rejects.toMatchObject({ code: 'LOG_CHAIN_BROKEN' });
  });

  it('refuses a log cut short before its last checkpoint', async () => {
    await threeRecords();
    const text = await readFile(seg1(), 'utf8');
    await truncate(seg1(), Buffer.byteLength(text.split('\n').slice(0, 2).join('\n') + '\n'));
    await expect(openTestLog(dir, key)).rejects.toMatchObject({ code: 'LOG_TRUNCATED' });
  });

  it('refuses a last checkpoint with a bad signature', async () => {
    await threeRecords();
    const cp = JSON.parse((await readFile(cpPath(), 'utf8')).trim());
    await writeFile(cpPath(), `${JSON.stringify({ ...cp, t: cp.t + 1 })}\n`);
    await expect(openTestLog(dir, key)).rejects.toMatchObject({ code: 'LOG_CHECKPOINT_INVALID' });
  });

  it('reads only from the segment holding the last checkpoint', async () => {
    const log = await openTestLog(dir, key, { tuning: { segmentMaxBytes: 300 } });
    for (let i = 0; i < 12; i++) {
      log.append('app', 'app.note', { text: `note ${i} ${'-'.repeat(80)}` }, i);
      await log.flush();
    }
    await log.close();
    // Damage the first segment: recovery does not look there, verify does.
    await writeFile(seg1(), (await readFile(seg1(), 'utf8')).replace('note 0', 'note X'));
    const again = await openTestLog(dir, key);
    expect(again.lastSeq).toBe(12);
    await again.close();
    expect(await verifyLog(dir)).toMatchObject({ ok: false, firstBad: { seq: 0, code: 'LOG_CHAIN_BROKEN' } });
  });

  it('refuses segments without meta.json', async () => {
    await threeRecords();
    await rm(join(dir, 'events', 'meta.json'));
    await expect(openTestLog(dir, key)).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });
});
