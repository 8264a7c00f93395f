import { describe, expect, it } from 'vitest';
import { PtyBacklog } from './PtyBacklog';

describe('PtyBacklog', () => {
  it("keeps each attempt's terminals with their output, size and owner, until they exit", () => {
    const b = new PtyBacklog(1000);
    b.open('p1', 'a1', 80, 24, 'user');
    b.open('p2', 'a2', 100, 30, 'agent');
    b.append('p1', '$ echo hi\r\nhi\r\n$ ');
    b.resized('p1', 120, 40);
    b.append('p9', 'unknown pty: ignored');
    expect(b.list('a1')).toEqual([{ ptyId: 'p1', cols: 120, rows: 40, owner: 'user', backlog: '$ echo hi\r\nhi\r\n$ ' }]);
    expect(b.list('a2')).toMatchObject([{ ptyId: 'p2', owner: 'agent', backlog: '' }]);
    b.close('p1');
    expect(b.list('a1')).toEqual([]);
  });

  it('keeps only the last output, starting after a line end once it has dropped some', () => {
    const b = new PtyBacklog(100);
    b.open('p1', 'a1', 80, 24, 'user');
    for (let i = 0; i < 50; i++) b.append('p1', `line ${String(i).padStart(2, '0')}\r\n`);
    const { backlog } = b.list('a1')[0]!;
    expect(backlog.length).toBeLessThanOrEqual(100);
    expect(backlog.startsWith('line ')).toBe(true);
    expect(backlog.endsWith('line 49\r\n')).toBe(true);
  });

  it('bounds memory when one write is larger than the cap', () => {
    const b = new PtyBacklog(100);
    b.open('p1', 'a1', 80, 24, 'user');
    b.append('p1', 'x'.repeat(10_000) + '\nend');
    const { backlog } = b.list('a1')[0]!;
    expect(backlog).toBe('end');
  });
});
