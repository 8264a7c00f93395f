import { hash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointSignatureValid } from './checkpointSig';
import { recordLine } from './EventLog';
import { genesisHash } from './eventsMeta';
import { LogReader } from './LogReader';
import { manualClock, openTestLog, tempDir, testKey } from './testKit';
import { verifyLog } from './verifyLog';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

describe('EventLog', () => {
  it('assigns seq in order and chains each prev to the previous line bytes', async () => {
    const key = testKey();
    const log = await openTestLog(dir, key);
    const a = log.append('pty', 'pty.input', { ptyId: 'p1', data: 'l' }, 10);
    const b = log.append('pty', 'pty.output', { ptyId: 'p1', data: 'l' }, 12);
    const c = log.append('app', 'app.note', { text: 'é ✓ "quoted"\n' }, 15);
    expect([a.seq, b.seq, c.seq]).toEqual([0, 1, 2]);
    await log.close();

    const raw = await lines(join(dir, 'events', 'events-000001.jsonl'));
    expect(raw).toHaveLength(3);
    expect(JSON.parse(raw[0]!).prev).toBe(genesisHash(await new LogReader(dir).meta()));
    expect(JSON.parse(raw[1]!).prev).toBe(hash('sha256', raw[0]!, 'hex'));
    expect(JSON.parse(raw[2]!).prev).toBe(hash('sha256', raw[1]!, 'hex'));
    expect(Object.keys(JSON.parse(raw[0]!))).toEqual(['seq', 't', 'wall', 'src', 'kind', 'data', 'prev']);
    expect((await verifyLog(dir)).ok).toBe(true);
  });

  it('keeps records in memory until a commit, then reports them durable', async () => {
    const log = await openTestLog(dir, testKey());
    const seen: number[] = [];
    log.onDurable((s) => seen.push(s));
    log.append('app', 'app.start', {}, 0);
    log.append('app', 'app.focus', {}, 1);
    expect(log.durableSeq).toBe(-1);
    expect(await readFile(join(dir, 'events', 'events-000001.jsonl'), 'utf8')).toBe('');
    expect(await log.flush()).toBe(1);
    expect(seen).toEqual([1]);
    expect(await lines(join(dir, 'events', 'events-000001.jsonl'))).toHaveLength(2);
    await log.close();
  });

  it('commits on its own within the commit interval', async () => {
    const log = await openTestLog(dir, testKey(), { tuning: { commitIntervalMs: 5 } });
    const durable = new Promise<number>((resolve) => log.onDurable(resolve));
    log.append('app', 'app.start', {}, 0);
    expect(await durable).toBe(0);
    await log.close();
  });

  it('writes a signed checkpoint at flush, covering the durable head', async () => {
    const key = testKey();
    const log = await openTestLog(dir, key);
    log.append('app', 'app.start', {}, 0);
    const last = log.append('app', 'app.pause', { reason: 'lunch' }, 1234);
    await log.flush();
    const raw = await lines(join(dir, 'events', 'events-000001.jsonl'));
    const cps = (await lines(join(dir, 'events', 'checkpoints.jsonl'))).map((l) => JSON.parse(l));
    expect(cps).toHaveLength(1);
    expect(cps[0]).toMatchObject({ seq: last.seq, head: hash('sha256', raw[1]!, 'hex'), t: 1234 });
    expect(checkpointSignatureValid(cps[0], 'att-test', key.publicKey)).toBe(true);
    expect(checkpointSignatureValid({ ...cps[0], seq: 0 }, 'att-test', key.publicKey)).toBe(false);
    expect(checkpointSignatureValid(cps[0], 'att-other', key.publicKey)).toBe(false);
    // Nothing new: a second flush adds no checkpoint.
    await log.flush();
    expect(await lines(join(dir, 'events', 'checkpoints.jsonl'))).toHaveLength(1);
    await log.close();
  });

  it('checkpoints by itself when the interval has passed, on the next commit', async () => {
    const clock = manualClock();
    const log = await openTestLog(dir, testKey(), { clock, tuning: { checkpointIntervalMs: 5_000 } });
    log.append('app', 'app.start', {}, 0);
    await log['drain'](); // a timer's commit, without waiting for the timer
    expect(log.durableSeq).toBe(0);
    expect(log.checkpointSeq).toBe(-1);
    clock.advance(5_000);
    log.append('app', 'app.focus', {}, 5_000);
    await log['drain']();
    expect(log.checkpointSeq).toBe(1);
    await log.close();
  });

  it('checkpoints records that arrive after the last checkpoint even when nothing follows them', async () => {
    const log = await openTestLog(dir, testKey(), { tuning: { checkpointIntervalMs: 20, commitIntervalMs: 1 } });
    const checkpointed = new Promise<number>((resolve) => log.onCheckpoint(resolve));
    log.append('app', 'app.start', {}, 0);
    expect(await checkpointed).toBe(0);
    await log.close();
  });

  it('rolls to a new segment past the size limit and the chain continues across', async () => {
    const log = await openTestLog(dir, testKey(), { tuning: { segmentMaxBytes: 400 } });
    for (let i = 0; i < 30; i++) {
      log.append('pty', 'pty.output', { ptyId: 'p', data: `line ${i} ${'x'.repeat(50)}` }, i);
      if (i % 3 === 2) await log.flush();
    }
    await log.close();
    const segs = (await readdir(join(dir, 'events'))).filter((n) => n.startsWith('events-')).sort();
    expect(segs.length).toBeGreaterThan(3);
    expect(segs[0]).toBe('events-000001.jsonl');
    const r = await verifyLog(dir);
    expect(r).toMatchObject({ ok: true, records: 30, lastSeq: 29, segments: segs.length });
  });

  it('replaces declared secrets with a salted digest before hashing and writing', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const log = await openTestLog(dir, testKey(), { secrets: [secret, 'abc'] });
    // Extra fields on a known kind are allowed; a secret as a key is replaced too.
    const data = { ptyId: 'p', data: `export KEY=${secret}; echo ${secret}`, [secret]: [secret] };
    const rec = log.append('pty', 'pty.output', data, 1);
    await log.close();
    const text = await readFile(join(dir, 'events', 'events-000001.jsonl'), 'utf8');
    expect(text).not.toContain(secret);
    const salt = (await new LogReader(dir).meta()).salt;
    const marker = `«secret:${hash('sha256', salt + secret, 'hex').slice(0, 12)}»`;
    expect(rec.data.data).toBe(`export KEY=${marker}; echo ${marker}`);
    expect(rec.data[marker]).toEqual([marker]);
    expect(text).toContain(marker);
    expect((await verifyLog(dir)).ok).toBe(true);
  });

  it('refuses records that break the format and checks known kinds', async () => {
    const log = await openTestLog(dir, testKey());
    expect(() => log.append('pty', 'editor.save' as 'pty.x', {}, 0)).toThrow(/under "pty."/);
    expect(() => log.append('bogus' as 'app', 'bogus.x', {}, 0)).toThrow(/source/);
    expect(() => log.append('pty', 'pty.resize', { ptyId: 'p', cols: 0, rows: 24 }, 0)).toThrow(/cols/);
    expect(() => log.append('editor', 'editor.save', { path: 'a', sha256: 'nope' }, 0)).toThrow(/sha256/);
    expect(() => log.append('app', 'app.note', { text: 'x' }, Number.NaN)).toThrow(/t must be/);
    // Unknown kinds are free-form.
    expect(log.append('agent', 'agent.tool_call', { tool: 'bash', args: [1, 2] }, 0).seq).toBe(0);
    await log.close();
  });

  it('never lets t go back along the log', async () => {
    const log = await openTestLog(dir, testKey());
    log.append('app', 'app.start', {}, 100);
    expect(log.append('app', 'app.focus', {}, 40).t).toBe(100);
    await log.close();
  });

  it('refuses to continue a log with another key or another attempt', async () => {
    const log = await openTestLog(dir, testKey());
    log.append('app', 'app.start', {}, 0);
    await log.close();
    await expect(openTestLog(dir, testKey())).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(openTestLog(dir, testKey(), { attemptId: 'att-other' })).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });
});

describe('recordLine', () => {
  it('is byte for byte JSON.stringify of the record, whatever the data holds', () => {
    const datas: Record<string, unknown>[] = [
      {},
      { ptyId: 'p', data: '\r\n\u001b[31m"quoted" \\ back\u2028\u0000 é 😀' },
      { nested: { a: [1, -0, 1.5e-7, null, true], b: { c: 'x' } } },
      { 'key with "quotes"': 1 },
    ];
    for (const data of datas) {
      for (const t of [0, 12.5, 1e21]) {
        const r = { seq: 7, t, wall: '2025-01-01T09:00:00.000Z', src: 'pty' as const, kind: 'pty.output', data, prev: 'f'.repeat(64) };
        expect(recordLine(r)).toBe(JSON.stringify(r));
      }
    }
  });
});
