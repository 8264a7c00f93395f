import { useEffect, useRef } from 'react';
import { useStore } from '../store/store';
import { monaco } from '../editor/monacoSetup';
import { currentPlayer, showFile } from './replayActions';

/** File tabs at the playhead and a read-only Monaco showing the active one's text. */
export function ReplayEditor() {
  const files = useStore((s) => s.replay?.files ?? []);
  const active = useStore((s) => s.replay?.activeFile ?? null);
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const known = files.find((f) => f.path === active)?.known ?? true;

  useEffect(() => {
    const editor = monaco.editor.create(host.current!, {
      model: null,
      theme: 'redesk-dark',
      readOnly: true,
      readOnlyMessage: { value: 'A replay is read-only.' },
      automaticLayout: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderWhitespace: 'selection',
    });
    editorRef.current = editor;
    return () => {
      editor.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    const file = active ? currentPlayer()?.panes.files.get(active) : undefined;
    if (!editor) return;
    if (editor.getModel() !== (file?.model ?? null)) editor.setModel(file?.model ?? null);
    if (!file) return;
    // Keep the line being edited in view while playing.
    const sub = file.model.onDidChangeContent((e) => {
      const line = e.changes[0]?.range.startLineNumber;
      if (line) editor.revealLineInCenterIfOutsideViewport(line);
    });
    return () => sub.dispose();
  }, [active, files]);

  return (
    <div className="replay-editor">
      <div className="tabs" role="tablist">
        {files.map((f) => (
          <div
            key={f.path}
            role="tab"
            aria-selected={f.path === active}
            className={`tab${f.path === active ? ' active' : ''}`}
            data-testid={`replay-file-${f.path}`}
            onClick={() => showFile(f.path)}
            title={f.known ? f.path : `${f.path}: its text at this time is not in the log`}
          >
            {f.path}
            {!f.known && ' ?'}
          </div>
        ))}
        {files.length === 0 && <span className="muted pad small">No file open in the editor at this time.</span>}
      </div>
      <div className="replay-editor-body">
        <div className="monaco-host" ref={host} data-testid="replay-editor" />
        {!known && <div className="replay-unknown">The log does not hold this file's text at this time (it changed outside the editor).</div>}
      </div>
    </div>
  );
}
