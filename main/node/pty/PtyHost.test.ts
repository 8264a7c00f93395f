import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPty, IPtyForkOptions } from 'node-pty';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIGH_WATERMARK_CHARS } from './FlowControl';
import { KILL_GRACE_MS } from './HostedPty';
import { BATCH_INTERVAL_MS } from './OutputBatcher';
import { PtyHost } from './PtyHost';
import type { FromHost } from './protocol';

/** Just enough of node-pty's IPty to drive the host without a real terminal. */
class FakePty {
  readonly pid = 4242;
  paused = false;
  readonly signals: string[] = [];
  readonly written: string[] = [];
  size: [number, number] = [0, 0];
  private dataListener: (d: Buffer) => void = () => {};
  private exitListener: (e: { exitCode: number; signal?: number }) => void = () => {};
  onData = (l: (d: Buffer) => void) => ((this.dataListener = l), { dispose() {} });
  onExit = (l: (e: { exitCode: number; signal?: number }) => void) => ((this.exitListener = l), { dispose() {} });
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  write(d: string) {
    this.written.push(d);
  }
  resize(c: number, r: number) {
    this.size = [c, r];
  }
  kill(signal = 'SIGHUP') {
    this.signals.push(signal);
  }
  output(s: string | Buffer) {
    this.dataListener(typeof s === 'string' ? Buffer.from(s) : s);
  }
  exit(exitCode: number, signal = 0) {
    this.exitListener({ exitCode, signal });
  }
}

const cwd = mkdtempSync(join(tmpdir(), 'redesk-ptyhost-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('PtyHost', () => {
  let sent: FromHost[];
  let spawned: Array<{ file: string; args: string[]; opts: IPtyForkOptions; pty: FakePty }>;
  let host: PtyHost;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    spawned = [];
    const spawn = (file: string, args: string[], opts: IPtyForkOptions) => {
      const pty = new FakePty();
      spawned.push({ file, args, opts, pty });
      return pty as unknown as IPty;
    };
    host = new PtyHost((m) => sent.push(m), spawn, { SHELL: '/bin/bash', PATH: '/usr/bin' });
  });
  afterEach(() => {
    host.dispose();
    vi.useRealTimers();
  });

  function create(id = 'pty-1'): FakePty {
    host.handle({ type: 'create', id, cwd, cols: 100, rows: 30, env: { FOO: 'bar' } });
    return spawned.at(-1)!.pty;
  }

  it('spawns the shell in the folder, reading raw bytes, and confirms with its pid', () => {
    create();
    expect(spawned[0]).toMatchObject({
      file: '/bin/bash',
      args: process.platform === 'darwin' ? ['-l'] : [],
      opts: { cwd, cols: 100, rows: 30, encoding: null, env: { FOO: 'bar', TERM: 'xterm-256color' } },
    });
    expect(sent).toEqual([{ type: 'ready', id: 'pty-1', pid: 4242 }]);
  });

  it('forwards input and resizes', () => {
    const pty = create();
    host.handle({ type: 'input', id: 'pty-1', data: 'ls\r' });
    host.handle({ type: 'resize', id: 'pty-1', cols: 0, rows: 50 });
    expect(pty.written).toEqual(['ls\r']);
    expect(pty.size).toEqual([1, 50]);
  });

  it('batches output and sends the last of it before the exit', () => {
    const pty = create();
    pty.output('a');
    pty.output('b');
    pty.output('c');
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    pty.output('d');
    pty.exit(0);
    expect(sent.slice(1)).toEqual([
      { type: 'data', id: 'pty-1', data: 'a' },
      { type: 'data', id: 'pty-1', data: 'bc' },
      { type: 'data', id: 'pty-1', data: 'd' },
      { type: 'exit', id: 'pty-1', exitCode: 0 },
    ]);
  });

  it('pauses the pty above the high watermark and resumes it on acknowledgement', () => {
    const pty = create();
    pty.output('x'.repeat(HIGH_WATERMARK_CHARS + 1));
    expect(pty.paused).toBe(true);
    host.handle({ type: 'ack', id: 'pty-1', chars: HIGH_WATERMARK_CHARS + 1 });
    expect(pty.paused).toBe(false);
  });

  it('kill lets a paused pty drain, hangs up, and SIGKILLs a shell that ignores the hangup', () => {
    const pty = create();
    pty.output('x'.repeat(HIGH_WATERMARK_CHARS + 1));
    host.handle({ type: 'kill', id: 'pty-1' });
    expect(pty.paused).toBe(false);
    expect(pty.signals).toEqual(['SIGHUP']);
    vi.advanceTimersByTime(KILL_GRACE_MS);
    expect(pty.signals).toEqual(['SIGHUP', 'SIGKILL']);
  });

  it('does not SIGKILL a shell that exited on the hangup', () => {
    const pty = create();
    host.handle({ type: 'kill', id: 'pty-1' });
    pty.exit(0, 1);
    vi.advanceTimersByTime(KILL_GRACE_MS);
    expect(pty.signals).toEqual(['SIGHUP']);
    expect(sent.at(-1)).toEqual({ type: 'exit', id: 'pty-1', exitCode: 0, signal: 1 });
  });

  it('refuses a missing folder and a duplicate id, naming the pty', () => {
    host.handle({ type: 'create', id: 'pty-1', cwd: join(cwd, 'missing'), cols: 80, rows: 24 });
    create('pty-2');
    host.handle({ type: 'create', id: 'pty-2', cwd, cols: 80, rows: 24 });
    expect(sent).toEqual([
      { type: 'error', id: 'pty-1', error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) },
      { type: 'ready', id: 'pty-2', pid: 4242 },
      { type: 'error', id: 'pty-2', error: expect.objectContaining({ code: 'BAD_REQUEST' }) },
    ]);
  });

  it('answers a malformed message with an error and keeps going', () => {
    host.handle({ nonsense: true });
    host.handle(null);
    create();
    expect(sent.map((m) => m.type)).toEqual(['error', 'error', 'ready']);
  });

  it('ignores messages for ptys it does not have', () => {
    host.handle({ type: 'input', id: 'pty-9', data: 'x' });
    host.handle({ type: 'ack', id: 'pty-9', chars: 5 });
    host.handle({ type: 'kill', id: 'pty-9' });
    expect(sent).toEqual([]);
  });

  it('dispose hangs up every pty', () => {
    const a = create('pty-1');
    const b = create('pty-2');
    host.dispose();
    expect(a.signals).toEqual(['SIGHUP']);
    expect(b.signals).toEqual(['SIGHUP']);
  });
});
