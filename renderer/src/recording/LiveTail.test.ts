import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../main/common/events/record';
import { LIVE_KEEP, LIVE_PAGE, LiveTail } from './LiveTail';

function log(n: number): EventRecord[] {
  return Array.from({ length: n }, (_, seq) => ({ seq, t: seq, wall: '', src: 'pty', kind: 'pty.output', data: { ptyId: 'p', data: String(seq) }, prev: '' }));
}

function tailOf(records: EventRecord[]) {
  let calls = 0;
  const deps = {
    status: async () => ({ attemptId: 'a', lastSeq: records.length - 1, durableSeq: records.length - 1, checkpointSeq: -1 }),
    tail: async (after: number, limit: number) => {
      calls++;
      return records.filter((r) => r.seq > after).slice(0, limit);
    },
  };
  return { live: new LiveTail(deps), calls: () => calls };
}

describe('LiveTail', () => {
  it('starts from the newest records and then reads only new ones', async () => {
    const records = log(1000);
    const { live } = tailOf(records);
    expect(await live.poll()).toBe(true);
    expect(live.records[0]!.seq).toBe(1000 - LIVE_KEEP);
    expect(live.records.at(-1)!.seq).toBe(999);
    expect(await live.poll()).toBe(false);
    records.push(...log(1003).slice(1000));
    expect(await live.poll()).toBe(true);
    expect(live.records.map((r) => r.seq).slice(-3)).toEqual([1000, 1001, 1002]);
    expect(live.records).toHaveLength(LIVE_KEEP);
  });

  it('jumps to the newest after a flood rather than falling behind', async () => {
    const records = log(10);
    const { live } = tailOf(records);
    await live.poll();
    records.push(...log(10 + LIVE_PAGE * 3).slice(10));
    await live.poll(); // one page
    await live.poll(); // jumps: status, then the newest
    expect(live.records.at(-1)!.seq).toBe(records.length - 1);
  });
});
