/**
 * Applies Monaco's content changes (`editor.change` records) to a text, for replay. Pure: the host's replay index
 * and the renderer share it.
 *
 * Monaco lists one event's changes from the end of the document to the start, "safe to apply in sequence": they
 * normally do not overlap and every offset refers to the text before the event, so applying them from the highest
 * offset down keeps the lower offsets valid. The sort is stable, so Monaco's own order is kept exactly where offsets
 * tie; that matters for the rare event whose changes are sequential rather than disjoint (an undo across an
 * end-of-line change lists two changes at offset 0, the second applying to the first's result). It only reorders a
 * list another writer kept out of order.
 */

export interface TextChange {
  /** UTF-16 offset into the text before the event. */
  rangeOffset: number;
  /** UTF-16 units replaced. */
  rangeLength: number;
  text: string;
}

export interface TextChangeEvent {
  changes: readonly TextChange[];
  /** Monaco's setValue: the first change's text is the whole new content. */
  isFlush?: boolean;
  /** Set on an end-of-line change: the new line break. */
  eol?: string;
}

export class ChangeOutOfRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ChangeOutOfRangeError';
  }
}

/** The text after `changes`; throws ChangeOutOfRangeError for a change that reaches past the text. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const ordered = changes.length < 2 ? changes : changes.map((c, i) => ({ c, i })).sort((a, b) => b.c.rangeOffset - a.c.rangeOffset || a.i - b.i).map((x) => x.c);
  let out = text;
  for (const c of ordered) {
    if (!(c.rangeOffset >= 0 && c.rangeLength >= 0 && c.rangeOffset + c.rangeLength <= out.length)) {
      throw new ChangeOutOfRangeError(`change [${c.rangeOffset}, +${c.rangeLength}) is outside a text of ${out.length} characters`);
    }
    out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  }
  return out;
}

/**
 * One `editor.change` record: a flush replaces the text; an end-of-line change (`eol`) rewrites every line break,
 * which Monaco does not list among the changes.
 */
export function applyChangeEvent(text: string, event: TextChangeEvent): string {
  const out = event.isFlush ? (event.changes.length ? event.changes[0]!.text : '') : applyChanges(text, event.changes);
  return event.eol === undefined ? out : out.replace(/\r\n|\r|\n/g, event.eol);
}
