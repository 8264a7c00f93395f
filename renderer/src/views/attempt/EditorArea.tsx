import { useStore } from '../../store/store';
import { INSTRUCTIONS_TAB } from '../../store/types';
import { EditorTabs } from './EditorTabs';
import { Instructions } from './Instructions';
import { EditorView } from '../../editor/EditorView';
import { DiskChangedBar } from './DiskChangedBar';

export function EditorArea() {
  const activeTab = useStore((s) => s.activeTab);
  const showingFile = activeTab !== INSTRUCTIONS_TAB;
  return (
    <div className="editor-area">
      <EditorTabs />
      {showingFile && <DiskChangedBar path={activeTab} />}
      <div className="editor-body">
        {/* Both stay mounted: Monaco keeps its view state and the instructions their scroll position. */}
        <div className="fill" hidden={showingFile}>
          <Instructions />
        </div>
        <div className="fill" hidden={!showingFile}>
          <EditorView />
        </div>
      </div>
    </div>
  );
}
