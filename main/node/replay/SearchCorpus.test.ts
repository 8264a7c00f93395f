import { describe, expect, it } from 'vitest';
import { SearchCorpus } from './SearchCorpus';

describe('SearchCorpus', () => {
  it('finds matches across records with the record holding each match\'s end', () => {
    const c = new SearchCorpus();
    c.add({ where: 'terminal', ptyId: 'p' }, 0, 'python trai');
    c.add({ where: 'terminal', ptyId: 'p' }, 1, 'n.py\nloss 0.5\n');
    c.finish();
    const m = c.search(/train\.py/g, 10);
    expect(m).toEqual([{ stream: { where: 'terminal', ptyId: 'p' }, record: 1, excerpt: expect.stringContaining('python train.py') }]);
    expect(c.search(/loss/g, 10).map((x) => x.record)).toEqual([1]);
  });

  it('stops a pattern that backtracks without end at its time budget with SEARCH_TOO_SLOW, and still serves after', () => {
    const c = new SearchCorpus();
    c.add({ where: 'terminal', ptyId: 'p' }, 0, `${'a'.repeat(40)}b\n`);
    c.finish();
    const t0 = Date.now();
    expect(() => c.search(/(a+)+$/gm, 10, 200)).toThrow(expect.objectContaining({ code: 'SEARCH_TOO_SLOW' }));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(c.search(/a+b/g, 10).map((x) => x.record)).toEqual([0]);
  });
});
