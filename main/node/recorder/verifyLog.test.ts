import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ed25519KeyPair } from '../keys/keyStore';
import { toOpenSsh } from '../keys/openssh';
import { signCheckpoint } from './checkpointSig';
import { manualClock, openTestLog, simulateCrash, tempDir, testKey } from './testKit';
import { formatVerifyResult, verifyLog } from './verifyLog';

let dir: string;
let cleanup: () => Promise<void>;
let key: Ed25519KeyPair;
const ev = (name: string) => join(dir, 'events', name);

/** 24 records over several segments, a checkpoint after every 4th (seq 3, 7, 11, 15, 19, 23). */
async function buildLog(): Promise<void> {
  const clock = manualClock();
  const log = await openTestLog(dir, key, { clock, tuning: { segmentMaxBytes: 1500 } });
  for (let i = 0; i < 24; i++) {
    clock.advance(100);
    log.append('pty', i % 2 ? 'pty.output' : 'pty.input', { ptyId: 'p1', data: `keystroke ${i}` }, i * 100);
    if (i % 4 === 3) await log.flush();
  }
  await log.close();
}

async function segmentLines(name: string): Promise<string[]> {
  return (await readFile(ev(name), 'utf8')).split('\n').slice(0, -1);
}

/** The segment and line index holding seq. */
async function locate(seq: number): Promise<{ name: string; lines: string[]; index: number }> {
  for (let s = 1; ; s++) {
    const name = `events-${String(s).padStart(6, '0')}.jsonl`;
    const lines = await segmentLines(name);
    const index = lines.findIndex((l) => JSON.parse(l).seq === seq);
    if (index >= 0) return { name, lines, index };
  }
}

async function rewrite(name: string, lines: string[]): Promise<void> {
  await writeFile(ev(name), lines.map((l) => `${l}\n`).join(''));
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  key = testKey();
  await buildLog();
});
afterEach(() => cleanup());

describe('verifyLog', () => {
  it('passes an untouched log and says what it checked', async () => {
    const r = await verifyLog(dir, { publicKey: toOpenSsh(key.publicKey) });
    expect(r).toMatchObject({ ok: true, records: 24, lastSeq: 23, checkpoints: 6, lastCheckpointSeq: 23, unsealedRecords: 0, keySource: 'given' });
    expect(r.segments).toBeGreaterThan(1);
    expect(r.firstBad).toBeUndefined();
    expect(formatVerifyResult(r)).toMatch(/^ok: 24 records/);
  });

  it('names the record for every single flipped bit in it', async () => {
    const { name, lines, index } = await locate(9);
    const original = lines[index]!;
    for (let i = 0; i < original.length; i++) {
      const flipped = original.slice(0, i) + String.fromCharCode(original.charCodeAt(i) ^ 1) + original.slice(i + 1);
      await rewrite(name, lines.map((l, j) => (j === index ? flipped : l)));
      const r = await verifyLog(dir);
      expect({ at: i, ok: r.ok, seq: r.firstBad?.seq }).toEqual({ at: i, ok: false, seq: 9 });
      expect(['LOG_CORRUPT', 'LOG_CHAIN_BROKEN']).toContain(r.firstBad?.code);
    }
  });

  it('names a deleted line', async () => {
    const { name, lines, index } = await locate(13);
    await rewrite(name, lines.filter((_, j) => j !== index));
    const r = await verifyLog(dir);
    expect(r.firstBad).toMatchObject({ seq: 13, code: 'LOG_CHAIN_BROKEN', segment: name });
    expect(r.firstBad?.message).toMatch(/seq 13 is missing/);
  });

  it('names a reordered pair', async () => {
    const { name, lines, index } = await locate(5);
    const swapped = [...lines];
    [swapped[index], swapped[index + 1]] = [swapped[index + 1]!, swapped[index]!];
    await rewrite(name, swapped);
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: 5, code: 'LOG_CHAIN_BROKEN' });
  });

  it('catches a last segment cut short before the last checkpoint', async () => {
    const { name, lines, index } = await locate(21);
    await rewrite(name, lines.slice(0, index));
    const r = await verifyLog(dir);
    expect(r.firstBad).toMatchObject({ seq: 21, code: 'LOG_TRUNCATED', segment: 'checkpoints.jsonl' });
    expect(r.lastSeq).toBe(20);
  });

  it('catches a cut in the middle of a line that a checkpoint covers', async () => {
    const { name, lines, index } = await locate(22);
    const keep = lines.slice(0, index).map((l) => `${l}\n`).join('') + lines[index]!.slice(0, 25);
    await writeFile(ev(name), keep);
    const r = await verifyLog(dir);
    expect(r.tornTail?.bytes).toBe(25);
    expect(r.firstBad).toMatchObject({ seq: 22, code: 'LOG_TRUNCATED' });
  });

  it('catches a segment that is not the last cut short', async () => {
    const { name, lines } = await locate(0);
    const lastSeqInFirst = JSON.parse(lines.at(-1)!).seq as number;
    await rewrite(name, lines.slice(0, -1));
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: lastSeqInFirst, code: 'LOG_CHAIN_BROKEN' });
    await writeFile(ev(name), (await readFile(ev(name), 'utf8')) + lines.at(-1)!.slice(0, 10));
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: lastSeqInFirst, code: 'LOG_CORRUPT' });
  });

  it('passes a log torn only after its last checkpoint, reporting the tear', async () => {
    const log = await openTestLog(dir, key);
    log.append('app', 'app.note', { text: 'not yet checkpointed' }, 9_999);
    await log['drain']();
    await simulateCrash(log);
    const { name, lines } = await locate(25);
    await writeFile(ev(name), lines.slice(0, -1).map((l) => `${l}\n`).join('') + lines.at(-1)!.slice(0, 40));
    const r = await verifyLog(dir);
    expect(r).toMatchObject({ ok: true, lastSeq: 24, tornTail: { bytes: 40 }, unsealedRecords: 0 });
    expect(formatVerifyResult(r)).toMatch(/torn tail: 40 byte/);
  });

  it('catches a checkpoint re-signed with another key', async () => {
    const cps = await segmentLines('checkpoints.jsonl');
    const cp = JSON.parse(cps[2]!);
    const forged = signCheckpoint(cp, 'att-test', testKey().privateKey);
    await rewrite('checkpoints.jsonl', cps.map((l, i) => (i === 2 ? JSON.stringify(forged) : l)));
    const r = await verifyLog(dir);
    expect(r.firstBad).toMatchObject({ seq: 11, code: 'LOG_CHECKPOINT_INVALID', segment: 'checkpoints.jsonl', line: 3 });
  });

  it('catches a checkpoint whose head was changed, even when signed with the right key', async () => {
    const cps = await segmentLines('checkpoints.jsonl');
    const cp = JSON.parse(cps[1]!);
    const unsigned = { ...cp, head: 'f'.repeat(64) };
    await rewrite('checkpoints.jsonl', cps.map((l, i) => (i === 1 ? JSON.stringify(unsigned) : l)));
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: 7, code: 'LOG_CHECKPOINT_INVALID' });
    const resigned = signCheckpoint(unsigned, 'att-test', key.privateKey);
    await rewrite('checkpoints.jsonl', cps.map((l, i) => (i === 1 ? JSON.stringify(resigned) : l)));
    const r = await verifyLog(dir);
    expect(r.firstBad).toMatchObject({ seq: 7, code: 'LOG_CHECKPOINT_INVALID' });
    expect(r.firstBad?.message).toMatch(/does not match record 7/);
  });

  it('catches a checkpoint copied from another attempt', async () => {
    const cps = await segmentLines('checkpoints.jsonl');
    const cp = JSON.parse(cps[0]!);
    await rewrite('checkpoints.jsonl', [JSON.stringify(signCheckpoint(cp, 'att-other', key.privateKey)), ...cps.slice(1)]);
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: 3, code: 'LOG_CHECKPOINT_INVALID' });
  });

  it('tells a log rewritten under a new key apart only when given the trusted key', async () => {
    // The attacker rebuilds the whole attempt with their own key: self-consistent, so it verifies against itself.
    await rm(join(dir, 'events'), { recursive: true });
    const attacker = testKey();
    const log = await openTestLog(dir, attacker);
    log.append('app', 'app.start', {}, 0);
    await log.close();
    expect(await verifyLog(dir)).toMatchObject({ ok: true, keySource: 'meta' });
    const r = await verifyLog(dir, { publicKey: key.publicKey });
    expect(r).toMatchObject({ ok: false, keySource: 'given', firstBad: { seq: -1, code: 'LOG_CHECKPOINT_INVALID', segment: 'meta.json' } });
  });

  it('reports a missing meta.json as seq -1', async () => {
    await rm(ev('meta.json'));
    expect(await verifyLog(dir)).toMatchObject({ ok: false, firstBad: { seq: -1, code: 'LOG_CORRUPT', segment: 'meta.json' } });
  });

  it('catches seq 0 when meta.json was changed (the genesis hash binds them)', async () => {
    const meta = JSON.parse(await readFile(ev('meta.json'), 'utf8'));
    await writeFile(ev('meta.json'), JSON.stringify({ ...meta, salt: '0'.repeat(32) }));
    expect((await verifyLog(dir)).firstBad).toMatchObject({ seq: 0, code: 'LOG_CHAIN_BROKEN' });
  });

  it('cannot see records cut together with the checkpoints that cover them (the documented limit)', async () => {
    // What is left is a shorter, valid log; only the bundle's seal (last seq and head) can tell.
    const cps = await segmentLines('checkpoints.jsonl');
    await rewrite('checkpoints.jsonl', cps.slice(0, -1));
    const { name, lines, index } = await locate(20);
    await rewrite(name, lines.slice(0, index));
    expect(await verifyLog(dir)).toMatchObject({ ok: true, lastSeq: 19, lastCheckpointSeq: 19 });
  });
});
