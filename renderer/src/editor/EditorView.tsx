import { useEffect, useRef } from 'react';
import { isActive } from '../../../main/common/attempt';
import { useStore } from '../store/store';
import { INSTRUCTIONS_TAB } from '../store/types';
import { syncDirty } from '../actions/editor';
import { monaco } from './monacoSetup';
import { getOpenFile, type OpenFile } from './models';
import { setActiveEditor } from './activeEditor';
import { recordEditorView } from '../recording/editorRecording';

/**
 * One Monaco editor for the attempt; file tabs swap its model and view state, the way VS Code does, rather than
 * keeping an editor per tab.
 */
export function EditorView() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const shownRef = useRef<OpenFile | null>(null);
  const attemptId = useStore((s) => s.attempt?.id);
  const readOnly = useStore((s) => !s.attempt || !isActive(s.attempt.state) || s.attempt.state === 'paused');
  const activeTab = useStore((s) => s.activeTab);

  useEffect(() => {
    const editor = monaco.editor.create(host.current!, {
      model: null,
      theme: 'redesk-dark',
      automaticLayout: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
      renderWhitespace: 'selection',
      // No language services are loaded, so word-based suggestions would be the only ones: noise, not help.
      quickSuggestions: false,
      wordBasedSuggestions: 'off',
    });
    editorRef.current = editor;
    setActiveEditor(editor);
    const sub = editor.onDidChangeModelContent(() => {
      if (shownRef.current) syncDirty(shownRef.current);
    });
    const stopRecording = recordEditorView(editor);
    return () => {
      sub.dispose();
      stopRecording();
      setActiveEditor(null);
      if (shownRef.current) shownRef.current.viewState = editor.saveViewState();
      shownRef.current = null;
      editor.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly, readOnlyMessage: { value: 'The attempt is not running: files are read-only.' } });
  }, [readOnly]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !attemptId || activeTab === INSTRUCTIONS_TAB) return;
    const file = getOpenFile(attemptId, activeTab);
    if (!file || shownRef.current === file) return;
    if (shownRef.current) shownRef.current.viewState = editor.saveViewState();
    editor.setModel(file.model);
    if (file.viewState) editor.restoreViewState(file.viewState);
    shownRef.current = file;
    editor.focus();
  }, [attemptId, activeTab]);

  return <div className="monaco-host" ref={host} data-testid="editor" />;
}
