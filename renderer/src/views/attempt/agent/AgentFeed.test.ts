import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../../main/common/events/record';
import { AgentFeed } from './AgentFeed';

const rec = (seq: number, kind: string, data: Record<string, unknown>): EventRecord => ({ seq, t: seq * 100, kind, data, src: kind.split('.')[0] }) as unknown as EventRecord;

describe('AgentFeed', () => {
  it('pairs calls with results, passes terminal bytes on in order, and reads only what is new', async () => {
    const log = [
      rec(0, 'app.start', {}),
      rec(1, 'pty.open', { ptyId: 'p1' }),
      rec(2, 'agent.call', { callId: 1, tool: 'bash', args: { command: 'ls' } }),
      rec(3, 'pty.output', { ptyId: 'p1', data: '$ ls\r\n' }),
      rec(4, 'pty.output', { ptyId: 'p1', data: 'a.txt\r\n' }),
      rec(5, 'agent.result', { callId: 1, tool: 'bash', ok: true, durationMs: 12, result: { exitCode: 0, timedOut: false } }),
    ];
    const asked: number[] = [];
    let term = '';
    const feed = new AgentFeed(async (after, limit) => {
      asked.push(after);
      return log.filter((r) => r.seq > after).slice(-limit);
    }, (d) => (term += d));
    expect(await feed.poll()).toBe(true);
    expect(term).toBe('$ ls\r\na.txt\r\n');
    expect(feed.calls).toEqual([{ callId: 1, tool: 'bash', detail: 'ls', t: 200, status: 'ok', durationMs: 12, outcome: 'exit 0' }]);
    log.push(rec(6, 'pty.open', { ptyId: 'p2' }), rec(7, 'agent.call', { callId: 2, tool: 'write_file', args: { path: 'x.py' } }));
    log.push(rec(8, 'agent.result', { callId: 2, ok: false, durationMs: 1, error: { code: 'PATH_ESCAPES_WORKSPACE', message: 'no' } }));
    expect(await feed.poll()).toBe(true);
    expect(asked.at(-1)).toBe(5);
    expect(term).toContain('[a new shell: p2]');
    expect(feed.calls[1]).toMatchObject({ tool: 'write_file', detail: 'x.py', status: 'error', error: 'PATH_ESCAPES_WORKSPACE: no' });
    expect(await feed.poll()).toBe(false);
  });
});
