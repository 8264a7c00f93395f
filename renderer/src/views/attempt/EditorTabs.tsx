import { useStore } from '../../store/store';
import { INSTRUCTIONS_TAB } from '../../store/types';
import { closeTab, showTab } from '../../actions/editor';
import { SHORTCUTS } from '../../actions/shortcuts';

export function EditorTabs() {
  const tabs = useStore((s) => s.tabs);
  const activeTab = useStore((s) => s.activeTab);
  return (
    <div className="tabs" role="tablist">
      <button
        role="tab"
        aria-selected={activeTab === INSTRUCTIONS_TAB}
        className={`tab${activeTab === INSTRUCTIONS_TAB ? ' active' : ''}`}
        data-testid="instructions-tab"
        onClick={() => showTab(INSTRUCTIONS_TAB)}
      >
        Instructions
      </button>
      {tabs.map((t) => (
        <div
          key={t.path}
          role="tab"
          aria-selected={activeTab === t.path}
          className={`tab${activeTab === t.path ? ' active' : ''}${t.dirty ? ' dirty' : ''}`}
          data-testid={`editor-tab-${t.path}`}
          data-dirty={t.dirty}
          title={t.dirty ? `${t.path} — unsaved (${SHORTCUTS.save} to save)` : t.path}
          onClick={() => showTab(t.path)}
        >
          <span className="tab-label">{t.path.split('/').pop()}</span>
          {t.dirty ? (
            <span className="dirty-dot" data-testid="dirty-marker" aria-label="unsaved">
              ●
            </span>
          ) : (
            <button
              className="tab-close"
              aria-label={`Close ${t.path}`}
              onClick={(e) => {
                e.stopPropagation();
                closeTab(t.path);
              }}
            >
              ×
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
