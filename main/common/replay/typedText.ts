/**
 * What a record typed, for the replay's key overlay: the host fills a frame's recentKeys with it and the renderer
 * uses it while playing, so both agree on what counts as a key.
 */

/** Longer insertions are pastes or programmatic edits, not typing. */
const MAX_TYPED = 32;

interface RecordLike {
  kind: string;
  data: Record<string, unknown>;
}

/**
 * The raw text a record typed: a terminal's input bytes, or an editor change made by typing (one insertion, the
 * same on every cursor; a deletion is "\b"). Undo, redo, flushes and long insertions are not typing: undefined.
 */
export function typedText(r: RecordLike): string | undefined {
  if (r.kind === 'pty.input') {
    const d = r.data.data;
    return typeof d === 'string' && d.length > 0 && d.length <= MAX_TYPED ? d : undefined;
  }
  if (r.kind !== 'editor.change' || r.data.isUndo === true || r.data.isRedo === true || r.data.isFlush === true) return undefined;
  const changes = r.data.changes;
  if (!Array.isArray(changes) || changes.length === 0) return undefined;
  const first = changes[0] as { text?: unknown; rangeLength?: unknown };
  if (typeof first.text !== 'string' || !changes.every((c) => (c as { text?: unknown }).text === first.text)) return undefined;
  if (first.text === '') return typeof first.rangeLength === 'number' && first.rangeLength > 0 ? '\b' : undefined;
  return first.text.length <= MAX_TYPED ? first.text : undefined;
}
