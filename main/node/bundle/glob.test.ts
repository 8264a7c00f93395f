import { describe, expect, it } from 'vitest';
import { GlobSet, globToRegExp } from './glob';

const m = (pattern: string, path: string) => globToRegExp(pattern).test(path);

describe('glob', () => {
  it('matches within and across segments', () => {
    expect(m('*.py', 'a.py')).toBe(true);
    expect(m('*.py', 'x/a.py')).toBe(false);
    expect(m('**/*.py', 'a.py')).toBe(true);
    expect(m('**/*.py', 'x/y/a.py')).toBe(true);
    expect(m('**/*.py', 'x/y/a.pyc')).toBe(false);
    expect(m('src/**/test_?.py', 'src/test_1.py')).toBe(true);
    expect(m('src/**/test_?.py', 'src/a/b/test_1.py')).toBe(true);
    expect(m('**/*', 'anything/at/all')).toBe(true);
    expect(m('[!a]*.md', 'notes.md')).toBe(true);
    expect(m('[!a]*.md', 'about.md')).toBe(false);
    expect(m('*.{py,md}', 'x.md')).toBe(true);
    expect(m('*.{py,md}', 'x.txt')).toBe(false);
    expect(m('a+b.txt', 'a+b.txt')).toBe(true);
    expect(m('a.txt', 'aXtxt')).toBe(false);
  });

  it('covers what is inside a folder it names', () => {
    expect(m('__pycache__/**', '__pycache__/x.pyc')).toBe(true);
    expect(m('build', 'build/out/model.bin')).toBe(true);
    expect(m('build', 'builder.py')).toBe(false);
    expect(new GlobSet(['solution.py', 'notes.md']).matches('notes.md')).toBe(true);
  });
});
