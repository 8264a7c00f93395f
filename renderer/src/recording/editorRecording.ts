/**
 * Records the editor: every content change of every open model (on screen or not: a reload from disk edits a
 * hidden one), opens with enough content for replay to start from, saves at the version written, cursors
 * (throttled) and pastes. Replay rebuilds each file from `editor.open` + `editor.change` with applyChanges.
 */
import type { monaco } from '../editor/monacoSetup';
import type { OpenFile } from '../editor/models';
import { appPaste, editorChange, editorCursor, editorOpen, editorSave } from './clientEvents';
import { recordingFor } from './session';
import { sha256Hex } from './sha256';
import { Throttle } from './Throttle';

/** Cursor and selection records at most this often per editor: where the expert looks, not every arrow key. */
export const CURSOR_THROTTLE_MS = 500;

const SEEN_KEY = 'redesk.recording.seen';

/**
 * For each attempt and path, the sha256 of the text the record already establishes (from an open with content, a
 * save, or the text a model had when it closed). An open whose text matches needs no content; one that does not
 * (the file changed on disk while closed) carries it. Kept in sessionStorage so a reload does not resend every file.
 */
const seen = new Map<string, string>(JSON.parse(sessionStorage.getItem(SEEN_KEY) ?? '[]') as [string, string][]);
/** Hashes finish in any order; chaining keeps "closed with X" before "reopened with Y" for the same file. */
let seenChain: Promise<unknown> = Promise.resolve();

function seenKey(attemptId: string, path: string): string {
  return `${attemptId}\u0000${path}`;
}

function setSeen(attemptId: string, path: string, sha: string): void {
  seen.set(seenKey(attemptId, path), sha);
  sessionStorage.setItem(SEEN_KEY, JSON.stringify([...seen]));
}

/** Which file a model holds, for editor-level events (cursor, paste) that only know the model. */
const fileOfModel = new WeakMap<monaco.editor.ITextModel, { attemptId: string; path: string }>();

/** Starts recording a newly opened file: its open record, then every change to it until the model is disposed. */
export function recordOpenFile(file: OpenFile): void {
  const { attemptId, path, model } = file;
  const session = recordingFor(attemptId);
  // A finished attempt's files open read-only; its log is closed.
  // Already recorded (two opens of one file raced to the same model): listening twice would record every edit twice.
  if (!session.active || fileOfModel.has(model)) return;
  fileOfModel.set(model, { attemptId, path });
  const text = model.getValue();
  const versionId = model.getVersionId();
  const open = seenChain.then(async () => {
    const sha = await sha256Hex(text);
    const known = seen.get(seenKey(attemptId, path)) === sha;
    setSeen(attemptId, path, sha);
    return editorOpen(path, versionId, sha, known ? undefined : text);
  });
  seenChain = open.catch(() => undefined);
  session.record(open);
  const changes = model.onDidChangeContent((e) => session.record(editorChange(path, e)));
  const disposed = model.onWillDispose(() => {
    changes.dispose();
    disposed.dispose();
    const last = model.getValue();
    seenChain = seenChain.then(async () => setSeen(attemptId, path, await sha256Hex(last))).catch(() => undefined);
  });
}

/**
 * Marks a save in the record at the version being written, then fills it in when fsWrite answers: the record keeps
 * its place even if the expert types on while the write is in flight. Returns the callbacks for the outcome.
 */
export function recordSave(file: OpenFile): { done(res: { sha256: string; size: number }): void; failed(): void } {
  const versionId = file.model.getVersionId();
  let settle!: (e: ReturnType<typeof editorSave> | null) => void;
  recordingFor(file.attemptId).record(new Promise((r) => (settle = r)));
  return {
    done: (res) => {
      setSeen(file.attemptId, file.path, res.sha256);
      settle(editorSave(file.path, versionId, res.sha256, res.size));
    },
    failed: () => settle(null),
  };
}

/** Records a paste (editor or terminal), hashing it without delaying the records around it. */
export function recordPaste(attemptId: string, where: Parameters<typeof appPaste>[0], text: string): void {
  if (!text) return;
  recordingFor(attemptId).record(sha256Hex(text).then((sha) => appPaste(where, text, sha)));
}

/** Cursor, selection and paste records for the one editor instance. */
export function recordEditorView(editor: monaco.editor.IStandaloneCodeEditor): () => void {
  const cursor = new Throttle(() => {
    const model = editor.getModel();
    const file = model && fileOfModel.get(model);
    const selections = editor.getSelections();
    if (!file || !selections || selections.length === 0) return;
    recordingFor(file.attemptId).record(editorCursor(file.path, selections));
  }, CURSOR_THROTTLE_MS);
  const subs = [
    editor.onDidChangeCursorSelection(() => cursor.call()),
    editor.onDidPaste((e) => {
      const model = editor.getModel();
      const file = model && fileOfModel.get(model);
      if (!model || !file) return;
      // The clipboard's text is what was pasted; the inserted range is the fallback (and may be reformatted).
      const text = e.clipboardEvent?.clipboardData?.getData('text/plain') || model.getValueInRange(e.range);
      recordPaste(file.attemptId, { target: 'editor', path: file.path }, text);
    }),
  ];
  return () => {
    cursor.cancel();
    for (const s of subs) s.dispose();
  };
}
