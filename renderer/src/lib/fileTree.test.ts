import { describe, expect, it } from 'vitest';
import { buildTree } from './fileTree';

const f = (path: string, kind: 'file' | 'dir' = 'file') => ({ path, kind, size: 0, mtimeMs: 0 });

describe('buildTree', () => {
  it('nests files under folders, folders first, natural order', () => {
    const tree = buildTree([f('b.py'), f('src/x10.py'), f('src/x2.py'), f('a.md'), f('data', 'dir')]);
    expect(tree.map((n) => n.name)).toEqual(['data', 'src', 'a.md', 'b.py']);
    expect(tree[1]!.children.map((n) => n.path)).toEqual(['src/x2.py', 'src/x10.py']);
  });
  it('makes folders that only appear in file paths', () => {
    const tree = buildTree([f('a/b/c.txt')]);
    expect(tree[0]!.path).toBe('a');
    expect(tree[0]!.children[0]!.path).toBe('a/b');
    expect(tree[0]!.children[0]!.children[0]!.path).toBe('a/b/c.txt');
  });
});
