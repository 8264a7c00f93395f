import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parentChannel } from './parentChannel';

describe('parentChannel', () => {
  it("uses Electron's parentPort when there is one, unwrapping message events", () => {
    const port = Object.assign(new EventEmitter(), { posted: [] as unknown[], postMessage(m: unknown) { this.posted.push(m); } });
    const proc = Object.assign(new EventEmitter(), { parentPort: port, send: () => true }) as unknown as NodeJS.Process;
    const ch = parentChannel(proc)!;
    const got: unknown[] = [];
    let closed = false;
    ch.onMessage((m) => got.push(m));
    ch.onClose(() => (closed = true));
    port.emit('message', { data: { type: 'kill', id: 'pty-1' } });
    ch.send({ type: 'exit', id: 'pty-1', exitCode: 0 });
    port.emit('close');
    expect(got).toEqual([{ type: 'kill', id: 'pty-1' }]);
    expect(port.posted).toEqual([{ type: 'exit', id: 'pty-1', exitCode: 0 }]);
    expect(closed).toBe(true);
  });

  it('uses process.send and disconnect under child_process.fork, and stops sending once disconnected', () => {
    const sent: unknown[] = [];
    const proc = Object.assign(new EventEmitter(), { connected: true, send: (m: unknown) => sent.push(m) }) as unknown as NodeJS.Process & { connected: boolean };
    const ch = parentChannel(proc)!;
    const got: unknown[] = [];
    let closed = false;
    ch.onMessage((m) => got.push(m));
    ch.onClose(() => (closed = true));
    proc.emit('message', { type: 'input', id: 'pty-1', data: 'ls\r' });
    ch.send({ type: 'data', id: 'pty-1', data: 'x' });
    proc.connected = false;
    proc.emit('disconnect');
    ch.send({ type: 'data', id: 'pty-1', data: 'y' });
    expect(got).toEqual([{ type: 'input', id: 'pty-1', data: 'ls\r' }]);
    expect(sent).toEqual([{ type: 'data', id: 'pty-1', data: 'x' }]);
    expect(closed).toBe(true);
  });

  it('is absent when the process was started without a parent channel', () => {
    expect(parentChannel(new EventEmitter() as unknown as NodeJS.Process)).toBeUndefined();
  });
});
