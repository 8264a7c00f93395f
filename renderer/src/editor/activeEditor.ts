import type { monaco } from './monacoSetup';

/**
 * The one Monaco editor instance on screen, registered by EditorView, so actions (save, reload from disk) can keep
 * the cursor where it was. Null while no file tab is shown.
 */
let current: monaco.editor.IStandaloneCodeEditor | null = null;

export function setActiveEditor(editor: monaco.editor.IStandaloneCodeEditor | null): void {
  current = editor;
}

export function activeEditor(): monaco.editor.IStandaloneCodeEditor | null {
  return current;
}
