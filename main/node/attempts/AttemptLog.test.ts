import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogStatus } from '../../common/api';
import type { Ed25519KeyPair } from '../keys/keyStore';
import { silentLogger } from '../systemClock';
import { fillingFs, openTestLog, tempDir, testKey } from '../recorder/testKit';
import { AttemptLog, type StatusTimers } from './AttemptLog';

let dir: string;
let cleanup: () => Promise<void>;
let key: Ed25519KeyPair;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  key = testKey();
});
afterEach(() => cleanup());

/** Timers moved by hand: `now` advances only when the test says. */
function handTimers(): StatusTimers & { advance(ms: number): void } {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const e = { at: now + ms, fn };
      due.push(e);
      return e;
    },
    clearTimeout: (h) => {
      const i = due.indexOf(h as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
    advance(ms) {
      now += ms;
      for (const e of due.filter((d) => d.at <= now)) {
        due.splice(due.indexOf(e), 1);
        e.fn();
      }
    },
  };
}

describe('AttemptLog', () => {
  it('pushes log.status at most once per interval while records land, and at once when the disk starts or stops failing', async () => {
    const fs = fillingFs();
    const log = await openTestLog(dir, key, { fs });
    const timers = handTimers();
    const sent: LogStatus[] = [];
    const al = new AttemptLog({ attemptId: 'att-test', log, now: () => 0, emit: (_n, p) => void sent.push(p as LogStatus), logger: silentLogger, timers, statusIntervalMs: 250 });

    al.append('app', 'app.note', { text: 'a' });
    await al.flush();
    expect(sent.at(-1)).toMatchObject({ lastSeq: 0, durableSeq: 0 });
    const first = sent.length;
    for (let i = 0; i < 5; i++) {
      al.append('app', 'app.note', { text: `b${i}` });
      await al.flush();
    }
    expect(sent.length).toBe(first); // throttled: one trailing status is pending
    timers.advance(250);
    expect(sent.length).toBe(first + 1);
    expect(sent.at(-1)).toMatchObject({ lastSeq: 5, durableSeq: 5, checkpointSeq: 5 });

    fs.full = true;
    al.append('app', 'app.note', { text: 'c' });
    await al.flush(); // does not throw: the caller goes on, the status says what is wrong
    expect(sent.at(-1)).toMatchObject({ lastSeq: 6, durableSeq: 5, writeError: { code: 'DISK_FULL', pendingRecords: 1 } });
    expect(al.status().writeError?.message).toContain('could not be saved');

    fs.full = false;
    const before = sent.length;
    await al.flush();
    expect(sent.length).toBeGreaterThan(before); // no waiting for the interval: the error is gone now
    expect(sent.at(-1)!.writeError).toBeUndefined();
    expect(sent.at(-1)).toMatchObject({ durableSeq: 6 });
    await al.close();
    expect(sent.at(-1)).toMatchObject({ lastSeq: 6, durableSeq: 6, checkpointSeq: 6 });
  });

  it('keeps the newest records in memory for the live panel', async () => {
    const log = await openTestLog(dir, key);
    const al = new AttemptLog({ attemptId: 'att-test', log, now: () => 7, emit: () => {}, logger: silentLogger, timers: handTimers() });
    for (let i = 0; i < 1_100; i++) al.append('app', 'app.note', { text: String(i) });
    expect(al.oldestRecentSeq).toBe(100);
    expect(al.recent(1_096).map((r) => r.data.text)).toEqual(['1097', '1098', '1099']);
    expect(al.recent(1_096)[0]!.t).toBe(7);
    await al.close();
  });
});
