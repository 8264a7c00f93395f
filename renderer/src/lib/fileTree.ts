import type { FileEntry } from '../../../main/common/api';

export interface TreeNode {
  name: string;
  path: string;
  kind: 'file' | 'dir';
  children: TreeNode[];
}

/** Builds a tree from the flat workspace listing; folders first, then names in natural order. */
export function buildTree(entries: readonly FileEntry[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', kind: 'dir', children: [] };
  const dirs = new Map<string, TreeNode>([['', root]]);
  const ensureDir = (path: string): TreeNode => {
    const found = dirs.get(path);
    if (found) return found;
    const slash = path.lastIndexOf('/');
    const parent = ensureDir(slash < 0 ? '' : path.slice(0, slash));
    const node: TreeNode = { name: path.slice(slash + 1), path, kind: 'dir', children: [] };
    parent.children.push(node);
    dirs.set(path, node);
    return node;
  };
  for (const e of entries) {
    if (e.kind === 'dir') {
      ensureDir(e.path);
      continue;
    }
    const slash = e.path.lastIndexOf('/');
    const parent = ensureDir(slash < 0 ? '' : e.path.slice(0, slash));
    parent.children.push({ name: e.path.slice(slash + 1), path: e.path, kind: 'file', children: [] });
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sort = (n: TreeNode) => {
    n.children.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'dir' ? -1 : 1));
    n.children.forEach(sort);
  };
  sort(root);
  return root.children;
}
