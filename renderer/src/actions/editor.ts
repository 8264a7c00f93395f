import { api } from '../api/client';
import type { ApiEvents } from '../../../main/common/api';
import { activeEditor } from '../editor/activeEditor';
import { applyDiskContent, closeOpenFile, createOpenFile, getOpenFile, isDirty, type OpenFile } from '../editor/models';
import { getState, setState } from '../store/store';
import { INSTRUCTIONS_TAB, type EditorTab } from '../store/types';
import { pushToast, reportError } from './toasts';
import { recordOpenFile, recordSave } from '../recording/editorRecording';

function patchTab(path: string, patch: Partial<EditorTab>): void {
  const tabs = getState().tabs;
  const tab = tabs.find((t) => t.path === path);
  if (!tab) return;
  const changed = (Object.keys(patch) as (keyof EditorTab)[]).some((k) => tab[k] !== patch[k]);
  if (changed) setState({ tabs: tabs.map((t) => (t.path === path ? { ...t, ...patch } : t)) });
}

/** Called on every content change; touches the store only when the dirty flag flips. */
export function syncDirty(file: OpenFile): void {
  patchTab(file.path, { dirty: isDirty(file) });
}

export function showTab(tab: string): void {
  setState({ activeTab: tab });
}

export async function openFile(path: string): Promise<void> {
  const attempt = getState().attempt;
  if (!attempt) return;
  if (!getOpenFile(attempt.id, path)) {
    try {
      const content = await api.fsRead(attempt.id, path);
      if (getState().attempt?.id !== attempt.id) return;
      recordOpenFile(createOpenFile(attempt.id, path, content.content, content.sha256));
    } catch (e) {
      reportError(e, `Could not open ${path}`);
      return;
    }
  }
  const tabs = getState().tabs;
  if (!tabs.some((t) => t.path === path)) setState({ tabs: [...tabs, { path, dirty: false, disk: 'same' }] });
  setState({ activeTab: path });
}

/** Writes the buffer to disk; a clean buffer is skipped unless `force` (recreating a file deleted on disk). */
export async function saveFile(path: string, force = false): Promise<void> {
  const attempt = getState().attempt;
  if (!attempt) return;
  const file = getOpenFile(attempt.id, path);
  if (!file || file.saving) return;
  if (!force && !isDirty(file)) return;
  const version = file.model.getAlternativeVersionId();
  const content = file.model.getValue();
  file.saving = true;
  const saved = recordSave(file);
  try {
    const res = await api.fsWrite(attempt.id, path, content);
    saved.done(res);
    file.savedVersionId = version;
    file.diskSha = res.sha256;
    patchTab(path, { dirty: isDirty(file), disk: 'same' });
  } catch (e) {
    saved.failed();
    reportError(e, `Could not save ${path}`);
  } finally {
    file.saving = false;
  }
}

export async function saveActive(): Promise<void> {
  const active = getState().activeTab;
  if (active !== INSTRUCTIONS_TAB) await saveFile(active);
}

export function closeTab(path: string): void {
  const attempt = getState().attempt;
  const tabs = getState().tabs;
  const i = tabs.findIndex((t) => t.path === path);
  if (i < 0) return;
  const tab = tabs[i]!;
  if (tab.dirty) {
    pushToast('warning', `${path} has unsaved changes: save it (Ctrl+S) or undo them before closing.`);
    return;
  }
  const rest = tabs.filter((t) => t.path !== path);
  const active = getState().activeTab === path ? (rest[Math.min(i, rest.length - 1)]?.path ?? INSTRUCTIONS_TAB) : getState().activeTab;
  setState({ tabs: rest, activeTab: active });
  if (attempt) closeOpenFile(attempt.id, path);
}

/** Puts disk content into the buffer, keeping the cursor and scroll where they were when it is on screen. */
function applyKeepingView(file: OpenFile, content: string, sha256: string): void {
  const editor = activeEditor();
  const onScreen = editor?.getModel() === file.model;
  const view = onScreen ? editor!.saveViewState() : null;
  applyDiskContent(file, content, sha256);
  if (onScreen && view) editor!.restoreViewState(view);
  patchTab(file.path, { dirty: false, disk: 'same' });
}

export async function reloadFromDisk(path: string): Promise<void> {
  const attempt = getState().attempt;
  const file = attempt && getOpenFile(attempt.id, path);
  if (!attempt || !file) return;
  try {
    const c = await api.fsRead(attempt.id, path);
    applyKeepingView(file, c.content, c.sha256);
  } catch (e) {
    reportError(e, `Could not reload ${path}`);
  }
}

/** The expert keeps the buffer; the next save overwrites the disk. */
export function keepMine(path: string): void {
  patchTab(path, { disk: 'same' });
}

/** A file changed outside the editor (the terminal, a script): reload a clean buffer, ask about a dirty one. */
export async function onFileChanged(evt: ApiEvents['fs.changed']): Promise<void> {
  const attempt = getState().attempt;
  if (!attempt || evt.attemptId !== attempt.id) return;
  const file = getOpenFile(attempt.id, evt.path);
  if (!file || file.saving) return;
  if (evt.kind === 'unlink') {
    patchTab(evt.path, { disk: 'deleted' });
    return;
  }
  if (evt.kind !== 'change' && evt.kind !== 'add') return;
  let c;
  try {
    c = await api.fsRead(attempt.id, evt.path);
  } catch {
    // Gone again already (an editor's atomic replace); a later event will say what is there now.
    return;
  }
  if (file.saving) return;
  if (c.sha256 === file.diskSha) {
    // Our own save echoing back, or the file reappearing as it was (an atomic replace, a checkout).
    patchTab(file.path, { disk: 'same' });
    return;
  }
  if (c.content === file.model.getValue()) {
    applyDiskContent(file, c.content, c.sha256);
    patchTab(file.path, { dirty: false, disk: 'same' });
  } else if (!isDirty(file)) {
    applyKeepingView(file, c.content, c.sha256);
  } else {
    patchTab(file.path, { disk: 'changed' });
  }
}
