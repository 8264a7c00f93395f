import { describe, expect, it } from 'vitest';
import { WsRpc, backoffDelay, type SocketLike } from './WsRpc';
import { ApiError } from './ApiError';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  requests() {
    return this.sent.map((s) => JSON.parse(s) as { id: number; method: string; args: unknown[] });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const rpc = new WsRpc({
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (fn) => timers.push(fn),
  });
  return { rpc, sockets, runTimers: () => timers.splice(0).forEach((f) => f()) };
}

describe('WsRpc', () => {
  it('matches responses to requests by id, in any order', async () => {
    const { rpc, sockets } = setup();
    const s = sockets[0]!;
    s.open();
    const a = rpc.call('envList', []);
    const b = rpc.call('attemptStatus', ['x1']);
    const [ra, rb] = s.requests();
    expect(ra).toMatchObject({ t: 'req', method: 'envList', args: [] });
    expect(rb).toMatchObject({ t: 'req', method: 'attemptStatus', args: ['x1'] });
    s.receive({ t: 'res', id: rb!.id, ok: true, value: 'B' });
    s.receive({ t: 'res', id: ra!.id, ok: true, value: 'A' });
    await expect(a).resolves.toBe('A');
    await expect(b).resolves.toBe('B');
  });

  it('turns error responses into errors carrying the code and hint', async () => {
    const { rpc, sockets } = setup();
    const s = sockets[0]!;
    s.open();
    const p = rpc.call('fsRead', ['a', '../x']);
    s.receive({ t: 'res', id: s.requests()[0]!.id, ok: false, error: { code: 'PATH_ESCAPES_WORKSPACE', message: 'no', hint: 'stay inside' } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'PATH_ESCAPES_WORKSPACE', message: 'no', hint: 'stay inside' });
  });

  it('delivers events to listeners of that name only', () => {
    const { rpc, sockets } = setup();
    const s = sockets[0]!;
    s.open();
    const got: unknown[] = [];
    const off = rpc.onEvent('pty.data', (p) => got.push(p));
    rpc.onEvent('fs.changed', () => got.push('wrong'));
    s.receive({ t: 'evt', name: 'pty.data', payload: { ptyId: 'p', data: 'hi' } });
    off();
    s.receive({ t: 'evt', name: 'pty.data', payload: { ptyId: 'p', data: 'again' } });
    expect(got).toEqual([{ ptyId: 'p', data: 'hi' }]);
  });

  it('queues requests until the socket opens, in order', async () => {
    const { rpc, sockets } = setup();
    const p1 = rpc.call('envList', []);
    const p2 = rpc.call('attemptList', []);
    const s = sockets[0]!;
    expect(s.sent).toEqual([]);
    s.open();
    expect(s.requests().map((r) => r.method)).toEqual(['envList', 'attemptList']);
    for (const r of s.requests()) s.receive({ t: 'res', id: r.id, ok: true, value: r.method });
    await expect(p1).resolves.toBe('envList');
    await expect(p2).resolves.toBe('attemptList');
  });

  it('fails in-flight requests on a drop, reconnects, and resends only what never went out', async () => {
    const { rpc, sockets, runTimers } = setup();
    const states: string[] = [];
    rpc.onState((st) => states.push(st.status));
    let reopened = 0;
    rpc.onReopen(() => reopened++);
    sockets[0]!.open();
    const inflight = rpc.call('attemptScore', ['a']);
    sockets[0]!.close();
    await expect(inflight).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(rpc.connection.status).toBe('reconnecting');
    const later = rpc.call('attemptStatus', ['a']);
    runTimers();
    const s2 = sockets[1]!;
    s2.open();
    expect(s2.requests().map((r) => r.method)).toEqual(['attemptStatus']);
    s2.receive({ t: 'res', id: s2.requests()[0]!.id, ok: true, value: 1 });
    await expect(later).resolves.toBe(1);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    expect(reopened).toBe(1);
  });

  it('ignores garbage and answers for unknown ids', () => {
    const { rpc, sockets } = setup();
    const s = sockets[0]!;
    s.open();
    s.onmessage?.({ data: 'not json' });
    s.receive({ t: 'res', id: 999, ok: true, value: 1 });
    expect(rpc.connection.status).toBe('open');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, 250, 5000))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
