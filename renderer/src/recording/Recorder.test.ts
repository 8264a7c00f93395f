import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvent, LogStatus } from '../../../main/common/api';
import type { EventRecord } from '../../../main/common/events/record';
import { ApiError } from '../api/ApiError';
import { BATCH_INTERVAL_MS, BATCH_MAX, BATCH_MAX_BYTES, Recorder, RETRY_MAX_MS, RETRY_MIN_MS } from './Recorder';
import { appNote } from './clientEvents';

/** A host that writes what it is sent into a log, and can be told to fail the next calls. */
class FakeHost {
  log: EventRecord[] = [];
  calls: ClientEvent[][] = [];
  failures: { code: string; writeAnyway?: boolean }[] = [];
  tailCalls = 0;

  send = async (events: ClientEvent[]): Promise<LogStatus> => {
    this.calls.push(events);
    const f = this.failures.shift();
    if (f?.writeAnyway) this.write(events);
    if (f) throw new ApiError({ code: f.code, message: f.code });
    this.write(events);
    return { attemptId: 'a', lastSeq: this.log.length - 1, durableSeq: this.log.length - 1, checkpointSeq: -1 };
  };

  tail = async (afterSeq: number, limit: number): Promise<EventRecord[]> => {
    this.tailCalls++;
    return this.log.filter((r) => r.seq > afterSeq).slice(0, limit);
  };

  write(events: ClientEvent[]): void {
    for (const e of events) {
      this.log.push({ seq: this.log.length, t: 0, wall: '', src: e.src, kind: e.kind, data: e.data, prev: '' });
    }
  }

  notes(): string[] {
    return this.log.map((r) => String(r.data.text));
  }
}

function setup(host = new FakeHost()) {
  const dropped: { events: ClientEvent[]; code: string }[] = [];
  const statuses: LogStatus[] = [];
  const rec = new Recorder({
    send: (e) => host.send(e),
    tail: (a, l) => host.tail(a, l),
    onStatus: (s) => statuses.push(s),
    onChange: () => undefined,
    onDropped: (events, r) => dropped.push({ events, code: r.code }),
  });
  return { host, rec, dropped, statuses };
}

const note = (i: number) => appNote(`n${i}`);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Recorder batching', () => {
  it('sends one batch after the interval, in order', async () => {
    const { host, rec, statuses } = setup();
    for (let i = 0; i < 5; i++) rec.enqueue(note(i));
    expect(host.calls).toHaveLength(0);
    expect(rec.pending).toBe(5);
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS - 1);
    expect(host.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.calls).toHaveLength(1);
    expect(host.notes()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(rec.pending).toBe(0);
    expect(statuses.at(-1)?.lastSeq).toBe(4);
  });

  it('sends at once when BATCH_MAX records are waiting, and never more than BATCH_MAX per call', async () => {
    const { host, rec } = setup();
    for (let i = 0; i < BATCH_MAX * 2 + 7; i++) rec.enqueue(note(i));
    await vi.advanceTimersByTimeAsync(1);
    expect(host.calls.length).toBeGreaterThanOrEqual(2);
    expect(host.calls.every((c) => c.length <= BATCH_MAX)).toBe(true);
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.notes()).toEqual(Array.from({ length: BATCH_MAX * 2 + 7 }, (_, i) => `n${i}`));
  });

  it('keeps each call under BATCH_MAX_BYTES, sending a big record alone', async () => {
    const { host, rec } = setup();
    const big = 'x'.repeat(BATCH_MAX_BYTES / 3);
    rec.enqueue(note(0));
    for (let i = 0; i < 4; i++) rec.enqueue(appNote(big));
    rec.enqueue(appNote('y'.repeat(BATCH_MAX_BYTES * 2)));
    rec.enqueue(note(6));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS * 10);
    expect(host.calls.map((c) => c.length)).toEqual([3, 2, 1, 1]);
    expect(host.log).toHaveLength(7);
  });

  it('keeps a promised record in its place until it resolves', async () => {
    const { host, rec } = setup();
    let resolve!: (e: ClientEvent) => void;
    rec.enqueue(note(0));
    rec.enqueue(new Promise<ClientEvent>((r) => (resolve = r)));
    rec.enqueue(note(2));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.notes()).toEqual(['n0']);
    resolve(note(1));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.notes()).toEqual(['n0', 'n1', 'n2']);
  });

  it('skips a promised record that resolves to nothing', async () => {
    const { host, rec } = setup();
    rec.enqueue(Promise.resolve(null));
    rec.enqueue(note(1));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.notes()).toEqual(['n1']);
    expect(rec.pending).toBe(0);
  });

  it('refuses a malformed record before it reaches the queue', async () => {
    const { host, rec, dropped } = setup();
    rec.enqueue({ src: 'app', kind: 'app.paste', data: { target: 'editor' } });
    rec.enqueue({ src: 'app', kind: 'editor.open', data: { path: 'x' } });
    rec.enqueue(note(1));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(dropped.map((d) => d.events[0]!.kind)).toEqual(['app.paste', 'editor.open']);
    expect(host.notes()).toEqual(['n1']);
  });
});

describe('Recorder failures', () => {
  it('keeps the batch on a failure and retries with backoff, in order', async () => {
    const { host, rec } = setup();
    host.failures.push({ code: 'IO_ERROR' }, { code: 'IO_ERROR' });
    rec.enqueue(note(0));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.calls).toHaveLength(1);
    expect(rec.lastError?.code).toBe('IO_ERROR');
    rec.enqueue(note(1));
    await vi.advanceTimersByTimeAsync(RETRY_MIN_MS);
    expect(host.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(RETRY_MIN_MS * 2);
    expect(host.calls).toHaveLength(3);
    expect(host.notes()).toEqual(['n0', 'n1']);
    expect(rec.lastError).toBeNull();
    expect(rec.pending).toBe(0);
  });

  it('caps the backoff and retries at once when told the connection is back', async () => {
    const { host, rec } = setup();
    for (let i = 0; i < 10; i++) host.failures.push({ code: 'IO_ERROR' });
    rec.enqueue(note(0));
    await vi.advanceTimersByTimeAsync(60_000);
    const calls = host.calls.length;
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS);
    expect(host.calls.length).toBe(calls + 1);
    host.failures = [];
    rec.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.notes()).toEqual(['n0']);
  });

  it('does not send a batch twice when its answer was lost but it was written', async () => {
    const { host, rec } = setup();
    host.failures.push({ code: 'DISCONNECTED', writeAnyway: true });
    rec.enqueue(note(0));
    rec.enqueue(note(1));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    rec.enqueue(note(2));
    rec.retryNow();
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    expect(host.tailCalls).toBe(1);
    expect(host.notes()).toEqual(['n0', 'n1', 'n2']);
  });

  it('sends a batch again when its answer was lost and it was not written', async () => {
    const { host, rec } = setup();
    host.failures.push({ code: 'DISCONNECTED' });
    rec.enqueue(note(0));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
    rec.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.notes()).toEqual(['n0']);
    expect(host.calls).toHaveLength(2);
  });

  it('isolates a record the host refuses and sends the rest', async () => {
    const host = new FakeHost();
    const write = host.send;
    // The host refuses any batch holding n1.
    host.send = async (events) => {
      if (!events.some((e) => e.data.text === 'n1')) return write(events);
      host.calls.push(events);
      throw new ApiError({ code: 'BAD_REQUEST', message: 'no' });
    };
    const { rec, dropped } = setup(host);
    for (let i = 0; i < 4; i++) rec.enqueue(note(i));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS * 10);
    expect(host.notes()).toEqual(['n0', 'n2', 'n3']);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.events[0]!.data.text).toBe('n1');
  });

  it('flush sends now and resolves once acknowledged; false after its timeout while the host is down', async () => {
    const { host, rec } = setup();
    rec.enqueue(note(0));
    const ok = rec.flush(1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(await ok).toBe(true);
    expect(host.notes()).toEqual(['n0']);

    for (let i = 0; i < 10; i++) host.failures.push({ code: 'IO_ERROR' });
    rec.enqueue(note(1));
    const late = rec.flush(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await late).toBe(false);
    expect(rec.pending).toBe(1);
  });
});
