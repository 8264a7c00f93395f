import { describe, expect, it } from 'vitest';
import { silentLogger } from '../systemClock';
import { TerminalRecorder } from './TerminalRecorder';

/** A pty service whose events the test fires by hand. */
function fakePty() {
  const data = new Set<(id: string, d: string) => void>();
  const exit = new Set<(id: string, code: number, signal?: number) => void>();
  return {
    onData: (l: (id: string, d: string) => void) => (data.add(l), () => void data.delete(l)),
    onExit: (l: (id: string, code: number, signal?: number) => void) => (exit.add(l), () => void exit.delete(l)),
    data: (id: string, d: string) => data.forEach((l) => l(id, d)),
    exit: (id: string, code: number) => exit.forEach((l) => l(id, code)),
  };
}

describe('TerminalRecorder', () => {
  it('holds back output that may begin a secret, so a secret split across batches lands in one record', async () => {
    const pty = fakePty();
    const got: string[] = [];
    const secret = 'sk-live-0123456789';
    const rec = new TerminalRecorder(pty, (_a, _src, kind, data) => void (kind === 'pty.output' && got.push(data.data as string)), silentLogger, () => [secret]);
    const id = await rec.create('att-1', { cols: 80, rows: 24 }, async () => 'pty-1');
    pty.data(id, '$ echo $KEY\r\nsk-li');
    pty.data(id, 've-01');
    pty.data(id, '23456789\r\n$ ');
    expect(got).toEqual(['$ echo $KEY\r\n', 'sk-live-0123456789\r\n$ ']);
    // A start of the secret that never goes on is written after a moment, and at exit at the latest.
    pty.data(id, 'ls sk');
    expect(got).toHaveLength(3);
    expect(got[2]).toBe('ls ');
    await new Promise((r) => setTimeout(r, 150));
    expect(got[3]).toBe('sk');
    pty.data(id, 'bye sk-l');
    pty.exit(id, 0);
    expect(got.slice(4)).toEqual(['bye ', 'sk-l']);
    expect(got.join('')).toBe('$ echo $KEY\r\nsk-live-0123456789\r\n$ ls skbye sk-l');
  });

  it('writes output that arrived before create() resolved right after pty.open, in order', async () => {
    const pty = fakePty();
    const got: [string, string, Record<string, unknown>][] = [];
    const rec = new TerminalRecorder(pty, (a, _src, kind, data) => got.push([a, kind, data]), silentLogger);
    const id = await rec.create('att-1', { cols: 80, rows: 24, cwd: '/w', shell: 'bash' }, async () => {
      // The host's "ready" and the prompt came in one read: the data listener runs before create() resolves.
      pty.data('pty-1', '$ ');
      pty.data('pty-9', 'someone else');
      return 'pty-1';
    });
    rec.input(id, 'ls\r');
    pty.data(id, 'a.txt\r\n');
    rec.resized(id, 0, 99_999);
    pty.exit(id, 0);
    pty.data(id, 'late');
    expect(got).toEqual([
      ['att-1', 'pty.open', { ptyId: 'pty-1', cols: 80, rows: 24, cwd: '/w', shell: 'bash' }],
      ['att-1', 'pty.output', { ptyId: 'pty-1', data: '$ ' }],
      ['att-1', 'pty.input', { ptyId: 'pty-1', data: 'ls\r' }],
      ['att-1', 'pty.output', { ptyId: 'pty-1', data: 'a.txt\r\n' }],
      // As the pty host clamps it.
      ['att-1', 'pty.resize', { ptyId: 'pty-1', cols: 1, rows: 4096 }],
      ['att-1', 'pty.exit', { ptyId: 'pty-1', exitCode: 0 }],
    ]);
  });

  it('never lets a failing record break the terminal', async () => {
    const pty = fakePty();
    const rec = new TerminalRecorder(
      pty,
      () => {
        throw new Error('disk on fire');
      },
      silentLogger,
    );
    const id = await rec.create('att-1', { cols: 80, rows: 24 }, async () => 'pty-1');
    expect(() => pty.data(id, 'x')).not.toThrow();
    expect(() => rec.input(id, 'y')).not.toThrow();
  });
});
