/**
 * The shape of Monaco content changes as recorded in `editor.change`, and the functions that replay them on plain
 * text (to rebuild a file from its `editor.open` content and the changes after it).
 */
import { applyChangeEvent, type TextChangeEvent } from '../../../main/common/events/applyChanges';

/** Monaco's IRange (1-based lines and columns), as recorded. */
export interface RecordedRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** One entry of `editor.change`'s `changes` (Monaco's IModelContentChange). */
export interface RecordedChange {
  /** Offset (UTF-16 units) of the replaced range in the text *before* the event. */
  rangeOffset: number;
  rangeLength: number;
  text: string;
  range: RecordedRange;
}

/**
 * Applying changes is shared with the host's replay (main/common/events/applyChanges.ts): one implementation, so
 * what the recording tests prove is what the replay does.
 */
export { applyChanges } from '../../../main/common/events/applyChanges';

/** Applies one `editor.change` record's data (flush and end-of-line changes included). */
export function applyEditorChange(text: string, data: TextChangeEvent & { changes: readonly RecordedChange[] }): string {
  return applyChangeEvent(text, data);
}
