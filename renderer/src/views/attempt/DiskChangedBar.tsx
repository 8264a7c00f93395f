import { useStore } from '../../store/store';
import { closeTab, keepMine, reloadFromDisk, saveFile } from '../../actions/editor';

/** The file changed or vanished on disk behind the editor's back: the expert chooses, nothing is lost silently. */
export function DiskChangedBar({ path }: { path: string }) {
  const disk = useStore((s) => s.tabs.find((t) => t.path === path)?.disk ?? 'same');
  const dirty = useStore((s) => s.tabs.find((t) => t.path === path)?.dirty ?? false);
  if (disk === 'same') return null;
  if (disk === 'deleted') {
    return (
      <div className="infobar" data-testid="disk-changed" data-disk="deleted">
        <span>{path} was deleted or moved on disk.</span>
        <button data-testid="disk-recreate" onClick={() => void saveFile(path, true)}>
          Save to recreate it
        </button>
        {!dirty && <button onClick={() => closeTab(path)}>Close tab</button>}
        <button onClick={() => keepMine(path)}>Dismiss</button>
      </div>
    );
  }
  return (
    <div className="infobar" data-testid="disk-changed" data-disk="changed">
      <span>{path} changed on disk while you had unsaved edits.</span>
      <button data-testid="disk-reload" onClick={() => void reloadFromDisk(path)}>
        Reload from disk
      </button>
      <button onClick={() => keepMine(path)}>Keep mine</button>
    </div>
  );
}
