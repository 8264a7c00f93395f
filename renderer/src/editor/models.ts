/**
 * Open files as Monaco models. File contents live here, not in the store: the store only knows which tabs are
 * open and whether each is dirty, so typing never re-renders React.
 */
import { monaco } from './monacoSetup';
import { languageFor } from '../lib/language';

export interface OpenFile {
  attemptId: string;
  path: string;
  model: monaco.editor.ITextModel;
  /** Model version matching the disk; dirty is "the model moved away from it". */
  savedVersionId: number;
  /** sha256 of the disk content the buffer is based on; an fs event with the same hash is our own save. */
  diskSha: string;
  viewState: monaco.editor.ICodeEditorViewState | null;
  saving: boolean;
}

const files = new Map<string, OpenFile>();

function key(attemptId: string, path: string): string {
  return `${attemptId}\u0000${path}`;
}

function uriFor(attemptId: string, path: string): monaco.Uri {
  return monaco.Uri.from({ scheme: 'redesk', authority: attemptId.toLowerCase(), path: `/${path}` });
}

export function getOpenFile(attemptId: string, path: string): OpenFile | undefined {
  return files.get(key(attemptId, path));
}

export function createOpenFile(attemptId: string, path: string, content: string, sha256: string): OpenFile {
  const existing = getOpenFile(attemptId, path);
  if (existing) return existing;
  const uri = uriFor(attemptId, path);
  // A model may linger from an earlier open of the same attempt in this page.
  monaco.editor.getModel(uri)?.dispose();
  const model = monaco.editor.createModel(content, languageFor(path), uri);
  const file: OpenFile = {
    attemptId,
    path,
    model,
    savedVersionId: model.getAlternativeVersionId(),
    diskSha: sha256,
    viewState: null,
    saving: false,
  };
  files.set(key(attemptId, path), file);
  return file;
}

export function isDirty(file: OpenFile): boolean {
  return file.model.getAlternativeVersionId() !== file.savedVersionId;
}

/**
 * Replaces the buffer with disk content as one undoable edit (so the expert can undo an outside change), and marks
 * it clean. The caller restores the cursor when the model is on screen.
 */
export function applyDiskContent(file: OpenFile, content: string, sha256: string): void {
  if (file.model.getValue() !== content) {
    file.model.pushStackElement();
    file.model.pushEditOperations([], [{ range: file.model.getFullModelRange(), text: content }], () => null);
    file.model.pushStackElement();
  }
  file.savedVersionId = file.model.getAlternativeVersionId();
  file.diskSha = sha256;
}

export function closeOpenFile(attemptId: string, path: string): void {
  const file = files.get(key(attemptId, path));
  if (!file) return;
  file.model.dispose();
  files.delete(key(attemptId, path));
}

/** Files still open for an attempt: going home and back keeps unsaved buffers. */
export function openFilesOf(attemptId: string): OpenFile[] {
  return [...files.values()].filter((f) => f.attemptId === attemptId);
}
