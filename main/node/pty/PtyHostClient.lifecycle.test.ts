import { describe, expect, it } from 'vitest';
import type { Logger } from '../../common/clock';
import type { HostProcess } from '../contracts';
import { HOST_GONE_EXIT_CODE, PtyHostClient } from './PtyHostClient';
import type { FromHost, ToHost } from './protocol';

/** An in-memory host process: records what the client sends; the test plays the host's part. */
class FakeHost implements HostProcess {
  readonly received: ToHost[] = [];
  readonly pid: number;
  killed = false;
  private messageListeners: Array<(m: unknown) => void> = [];
  private exitListeners: Array<(c: number | null) => void> = [];
  constructor(pid: number) {
    this.pid = pid;
  }
  send(msg: unknown) {
    this.received.push(msg as ToHost);
  }
  onMessage(l: (m: unknown) => void) {
    this.messageListeners.push(l);
  }
  onExit(l: (c: number | null) => void) {
    this.exitListeners.push(l);
  }
  kill() {
    this.killed = true;
    this.die(null);
  }
  reply(msg: FromHost) {
    for (const l of this.messageListeners) l(msg);
  }
  die(code: number | null) {
    for (const l of this.exitListeners.splice(0)) l(code);
  }
  /** Confirms every create sent so far. */
  confirmAll() {
    for (const m of this.received) if (m.type === 'create') this.reply({ type: 'ready', id: m.id, pid: 1 });
  }
}

function setup() {
  const hosts: FakeHost[] = [];
  const logs: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const client = new PtyHostClient({
    entry: '/nowhere/ptyHost.js',
    spawn: () => {
      const h = new FakeHost(1000 + hosts.length);
      hosts.push(h);
      return h;
    },
    logger,
  });
  const exits: Array<[string, number]> = [];
  const data: Array<[string, string]> = [];
  client.onExit((id, code) => exits.push([id, code]));
  client.onData((id, d) => data.push([id, d]));
  return { client, hosts, logs, exits, data };
}

const opts = (attemptId = 'a1') => ({ cwd: '/w', cols: 80, rows: 24, attemptId });

async function created(client: PtyHostClient, host: () => FakeHost, attemptId = 'a1'): Promise<string> {
  const p = client.create(opts(attemptId));
  host().confirmAll();
  return p;
}

describe('PtyHostClient (protocol and lifecycle)', () => {
  it('starts the host on the first create, not before', async () => {
    const { client, hosts } = setup();
    expect(hosts).toHaveLength(0);
    const id = await created(client, () => hosts[0]!);
    expect(id).toBe('pty-1');
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.received[0]).toEqual({ type: 'create', id: 'pty-1', cwd: '/w', cols: 80, rows: 24, env: undefined });
    expect(client.has('pty-1')).toBe(true);
  });

  it('rejects a create the host refuses with the error it gave', async () => {
    const { client, hosts } = setup();
    const p = client.create(opts());
    hosts[0]!.reply({ type: 'error', id: 'pty-1', error: { code: 'FILE_NOT_FOUND', message: 'no such folder: /w' } });
    await expect(p).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: 'no such folder: /w' });
    expect(client.has('pty-1')).toBe(false);
  });

  it('delivers output to listeners until they unsubscribe', async () => {
    const { client, hosts, data } = setup();
    const id = await created(client, () => hosts[0]!);
    const mine: string[] = [];
    const off = client.onData((_id, d) => mine.push(d));
    hosts[0]!.reply({ type: 'data', id, data: 'one' });
    off();
    hosts[0]!.reply({ type: 'data', id, data: 'two' });
    expect(mine).toEqual(['one']);
    expect(data).toEqual([
      [id, 'one'],
      [id, 'two'],
    ]);
  });

  it('one throwing listener does not keep output from the others', async () => {
    const { client, hosts, data, logs } = setup();
    client.onData(() => {
      throw new Error('bad subscriber');
    });
    const id = await created(client, () => hosts[0]!);
    hosts[0]!.reply({ type: 'data', id, data: 'x' });
    expect(data).toEqual([[id, 'x']]);
    expect(logs.join()).toMatch(/listener threw/);
  });

  it('input and resize to a terminal that exited are PTY_NOT_FOUND; ack and kill are ignored', async () => {
    const { client, hosts, exits } = setup();
    const id = await created(client, () => hosts[0]!);
    hosts[0]!.reply({ type: 'exit', id, exitCode: 0 });
    expect(exits).toEqual([[id, 0]]);
    expect(() => client.input(id, 'ls\r')).toThrow(expect.objectContaining({ code: 'PTY_NOT_FOUND' }));
    expect(() => client.resize(id, 80, 24)).toThrow(expect.objectContaining({ code: 'PTY_NOT_FOUND' }));
    const before = hosts[0]!.received.length;
    client.ack(id, 10);
    client.kill(id);
    expect(hosts[0]!.received).toHaveLength(before);
  });

  it('killAttempt reaches a terminal that was still starting', async () => {
    const { client, hosts } = setup();
    const a = client.create(opts('a'));
    const b = client.create(opts('b'));
    client.killAttempt('a');
    hosts[0]!.confirmAll();
    await Promise.all([a, b]);
    expect(hosts[0]!.received.filter((m) => m.type === 'kill')).toEqual([{ type: 'kill', id: 'pty-1' }]);
  });

  it('when the host dies: live terminals exit with -1, a pending create fails, the next create starts a new host', async () => {
    const { client, hosts, exits, logs } = setup();
    const id = await created(client, () => hosts[0]!);
    const pending = client.create(opts());
    hosts[0]!.die(null);
    expect(exits).toEqual([[id, HOST_GONE_EXIT_CODE]]);
    await expect(pending).rejects.toMatchObject({ code: 'PTY_HOST_DIED' });
    expect(client.has(id)).toBe(false);
    expect(logs.some((l) => l.startsWith('warn') && l.includes('pty host exited'))).toBe(true);

    const next = await created(client, () => hosts[1]!);
    expect(hosts).toHaveLength(2);
    expect(client.has(next)).toBe(true);
    expect(logs.some((l) => l.includes('starting a new pty host'))).toBe(true);
  });

  it('ignores late messages from a host that has died', async () => {
    const { client, hosts, data } = setup();
    await created(client, () => hosts[0]!);
    hosts[0]!.die(1);
    const id = await created(client, () => hosts[1]!);
    hosts[0]!.reply({ type: 'data', id, data: 'ghost' });
    expect(data).toEqual([]);
  });

  it('dispose kills the host, ends every terminal, and refuses new ones', async () => {
    const { client, hosts, exits } = setup();
    const id = await created(client, () => hosts[0]!);
    await client.dispose();
    expect(hosts[0]!.killed).toBe(true);
    expect(exits).toEqual([[id, HOST_GONE_EXIT_CODE]]);
    await expect(client.create(opts())).rejects.toMatchObject({ code: 'PTY_HOST_DIED' });
    expect(hosts).toHaveLength(1);
  });

  it('dispose without a host started does nothing', async () => {
    const { client, hosts } = setup();
    await client.dispose();
    expect(hosts).toHaveLength(0);
  });

  it('a spawner that throws fails the create with PTY_HOST_DIED naming the entry', async () => {
    const client = new PtyHostClient({
      entry: '/nowhere/ptyHost.js',
      spawn: () => {
        throw new Error('spawn ENOENT');
      },
      logger: { info() {}, warn() {}, error() {} },
    });
    const err = await client.create(opts()).catch((e) => e);
    expect(err).toMatchObject({ code: 'PTY_HOST_DIED' });
    expect(err.hint).toContain('/nowhere/ptyHost.js');
  });
});
