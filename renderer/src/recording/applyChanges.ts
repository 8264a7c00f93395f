/**
 * Replays Monaco content changes on plain text: what the replay needs to rebuild a file from its `editor.open`
 * content and the `editor.change` records after it. Pure, so the replay engineer and the tests share it.
 */

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
 * Applies one event's changes. Monaco lists them from the end of the document to the start, "safe to apply in
 * sequence": normally they do not overlap and every offset also refers to the text before the event, so applying
 * from the highest offset down leaves the lower offsets valid. The sort is stable, so Monaco's own order is kept
 * exactly; that matters for the rare event whose changes are sequential rather than disjoint (an undo across an
 * end-of-line change lists two changes at offset 0, the second applying to the first's result). It only reorders a
 * list some other writer kept out of order.
 */
export function applyChanges(text: string, changes: readonly RecordedChange[]): string {
  const ordered = changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.rangeOffset - a.c.rangeOffset || a.i - b.i)
    .map((x) => x.c);
  let out = text;
  for (const c of ordered) {
    if (c.rangeOffset < 0 || c.rangeLength < 0 || c.rangeOffset + c.rangeLength > out.length) {
      throw new RangeError(`change at ${c.rangeOffset}+${c.rangeLength} is outside a text of ${out.length} units`);
    }
    out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  }
  return out;
}

/**
 * Applies one `editor.change` record's data. An end-of-line change (`eol` set) rewrites every line break, which
 * Monaco does not list among the changes.
 */
export function applyEditorChange(text: string, data: { changes: readonly RecordedChange[]; eol?: string }): string {
  const out = applyChanges(text, data.changes);
  return data.eol === undefined ? out : out.replace(/\r\n|\r|\n/g, data.eol);
}
