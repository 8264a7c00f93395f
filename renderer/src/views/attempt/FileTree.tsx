import { useMemo, useState } from 'react';
import { useStore } from '../../store/store';
import { buildTree, type TreeNode } from '../../lib/fileTree';
import { openFile } from '../../actions/editor';
import { refreshFiles } from '../../actions/attempt';

export function FileTree() {
  const files = useStore((s) => s.files);
  const activeTab = useStore((s) => s.activeTab);
  const tree = useMemo(() => buildTree(files), [files]);
  // Folders start closed; the few an expert opens are remembered for the view's life.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (path: string) => {
    const next = new Set(open);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setOpen(next);
  };
  const render = (nodes: TreeNode[], depth: number) =>
    nodes.map((n) => (
      <li key={n.path}>
        <button
          className={`tree-item ${n.kind}${n.path === activeTab ? ' active' : ''}`}
          style={{ paddingLeft: 8 + depth * 12 }}
          data-testid={`file-${n.path}`}
          title={n.path}
          onClick={() => (n.kind === 'dir' ? toggle(n.path) : void openFile(n.path))}
        >
          <span className="tree-icon">{n.kind === 'dir' ? (open.has(n.path) ? '▾' : '▸') : ''}</span>
          {n.name}
        </button>
        {n.kind === 'dir' && open.has(n.path) && <ul>{render(n.children, depth + 1)}</ul>}
      </li>
    ));
  return (
    <div className="file-tree" data-testid="file-tree">
      <div className="pane-title">
        Workspace
        <button className="icon-button" title="Refresh" aria-label="Refresh file list" onClick={() => void refreshFiles()}>
          ⟳
        </button>
      </div>
      <ul className="tree-root">{render(tree, 0)}</ul>
    </div>
  );
}
