/**
 * The records the renderer makes, built from plain values. Shapes follow main/common/events/kinds.ts; the extra
 * fields (marked below) are allowed there because known kinds are open objects. Pure: no Monaco, no DOM.
 */
import type { ClientEvent } from '../../../main/common/api';
import { PASTE_CONTENT_MAX } from '../../../main/common/events/kinds';
import type { RecordedChange, RecordedRange } from './applyChanges';

/** The part of Monaco's IModelContentChangedEvent a record keeps. */
export interface ContentChangedLike {
  changes: readonly { rangeOffset: number; rangeLength: number; text: string; range: RecordedRange }[];
  versionId: number;
  isUndoing: boolean;
  isRedoing: boolean;
  isFlush: boolean;
  isEolChange: boolean;
  eol: string;
}

/**
 * `editor.open` carries the file's text only while its JSON is at most this many bytes: with the record around it,
 * that still fits the host's limit on one recordEvents call (1 MiB of JSON). A bigger file is data, not something an
 * expert edits, and its open says `contentOmitted`.
 */
export const OPEN_CONTENT_MAX_BYTES = 1000 * 1024;

/** Bytes of a value as JSON text in UTF-8: what the host counts against its batch limit. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

function copyRange(r: RecordedRange): RecordedRange {
  return { startLineNumber: r.startLineNumber, startColumn: r.startColumn, endLineNumber: r.endLineNumber, endColumn: r.endColumn };
}

/**
 * `editor.change`. Extra fields: `isFlush` (the model was reset, e.g. setValue: its one change spans the whole old
 * text) and `eol` on an end-of-line change, whose text edits Monaco does not list as changes.
 */
export function editorChange(path: string, e: ContentChangedLike): ClientEvent {
  const changes: RecordedChange[] = e.changes.map((c) => ({
    rangeOffset: c.rangeOffset,
    rangeLength: c.rangeLength,
    text: c.text,
    range: copyRange(c.range),
  }));
  const data: Record<string, unknown> = { path, versionId: e.versionId, changes, isUndo: e.isUndoing, isRedo: e.isRedoing };
  if (e.isFlush) data.isFlush = true;
  if (e.isEolChange) data.eol = e.eol;
  return { src: 'editor', kind: 'editor.change', data };
}

/**
 * `editor.open`: sha256 of the model's text (Monaco may normalise line endings, so this can differ from the disk's
 * hash). Extra fields: `content` when the record does not already establish this text for the path, or
 * `contentOmitted: true` when it is over OPEN_CONTENT_MAX_BYTES.
 */
export function editorOpen(path: string, versionId: number, sha256: string, content: string | undefined): ClientEvent {
  const data: Record<string, unknown> = { path, versionId, sha256 };
  if (content !== undefined) {
    // The length test first spares encoding a large file: JSON takes at least one byte per UTF-16 unit.
    if (content.length <= OPEN_CONTENT_MAX_BYTES && jsonBytes(content) <= OPEN_CONTENT_MAX_BYTES) data.content = content;
    else data.contentOmitted = true;
  }
  return { src: 'editor', kind: 'editor.open', data };
}

/** `editor.save`, placed in the record at the version that was written. Extra field: `size` in bytes. */
export function editorSave(path: string, versionId: number, sha256: string, size: number): ClientEvent {
  return { src: 'editor', kind: 'editor.save', data: { path, sha256, versionId, size } };
}

/** `editor.cursor`: every selection as a range, primary first. */
export function editorCursor(path: string, selections: readonly RecordedRange[]): ClientEvent {
  return { src: 'editor', kind: 'editor.cursor', data: { path, selections: selections.map(copyRange) } };
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutUtf16(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}

export type PasteTarget = { target: 'terminal'; ptyId?: string } | { target: 'editor'; path?: string };

/** `app.paste`. Extra fields: `ptyId` or `path`, and `truncated: true` when content holds only the first 64 Ki units. */
export function appPaste(where: PasteTarget, text: string, sha256: string): ClientEvent {
  const data: Record<string, unknown> = { ...where, length: text.length, sha256 };
  data.content = cutUtf16(text, PASTE_CONTENT_MAX);
  if (text.length > PASTE_CONTENT_MAX) data.truncated = true;
  return { src: 'app', kind: 'app.paste', data };
}

/** `app.focus` / `app.blur`. Extra field: `visibility` (document.visibilityState) to tell a hidden window apart. */
export function appFocus(focused: boolean, visibility: string): ClientEvent {
  return { src: 'app', kind: focused ? 'app.focus' : 'app.blur', data: { visibility } };
}

/** `app.idle` in attempt time. Extra field: `idleMs`, the span on the renderer's clock (which runs while paused). */
export function appIdle(fromT: number, toT: number, idleMs: number): ClientEvent {
  const from = Math.max(0, Math.round(fromT));
  return { src: 'app', kind: 'app.idle', data: { fromT: from, toT: Math.max(from, Math.round(toT)), idleMs: Math.round(idleMs) } };
}

export function appNote(text: string): ClientEvent {
  return { src: 'app', kind: 'app.note', data: { text } };
}
