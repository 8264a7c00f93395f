/**
 * Test-only: Monaco's own text buffer (the piece tree behind every ITextModel), driven the way the editor drives
 * it, so the replay tests feed the recorder the change events a real editor emits: multi-cursor edits in one
 * event, undo and redo as the inverse edits Monaco applies, and setValue as a flush.
 */
import { PieceTreeTextBufferBuilder } from 'monaco-editor/editor/common/model/pieceTreeTextBuffer/pieceTreeTextBufferBuilder.js';
import { Range } from 'monaco-editor/editor/common/core/range.js';

export interface MonacoRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** The data of an `editor.change` record, as the renderer records Monaco's IModelContentChangedEvent. */
export interface ChangeEventData {
  path: string;
  versionId: number;
  changes: { rangeOffset: number; rangeLength: number; text: string; range: MonacoRange }[];
  isUndo: boolean;
  isRedo: boolean;
  isFlush?: boolean;
}

interface Operation {
  range: InstanceType<typeof Range>;
  text: string;
}

export class MonacoBuffer {
  private buffer: any;
  private versionId = 1;
  private undoStack: Operation[][] = [];
  private redoStack: Operation[][] = [];

  constructor(
    readonly path: string,
    text: string,
  ) {
    this.buffer = build(text);
  }

  get text(): string {
    return this.buffer.getLinesContent().join('\n');
  }

  get length(): number {
    return this.buffer.getLength();
  }

  /** One edit with several cursors: [start, end) offsets into the current text, non-overlapping. */
  edit(edits: { start: number; end: number; text: string }[]): ChangeEventData {
    const ops = edits.map((e) => ({ range: this.rangeOf(e.start, e.end), text: e.text }));
    const event = this.apply(ops, 'edit');
    this.redoStack = [];
    return event;
  }

  undo(): ChangeEventData | undefined {
    const ops = this.undoStack.pop();
    return ops && this.apply(ops, 'undo');
  }

  redo(): ChangeEventData | undefined {
    const ops = this.redoStack.pop();
    return ops && this.apply(ops, 'redo');
  }

  /** model.setValue: one change replacing everything, flagged isFlush; it clears the undo stack as Monaco does. */
  setValue(text: string): ChangeEventData {
    const oldLength = this.length;
    const lines = this.buffer.getLinesContent() as string[];
    const range = { startLineNumber: 1, startColumn: 1, endLineNumber: lines.length, endColumn: lines[lines.length - 1]!.length + 1 };
    this.buffer = build(text);
    this.undoStack = [];
    this.redoStack = [];
    return { path: this.path, versionId: ++this.versionId, changes: [{ rangeOffset: 0, rangeLength: oldLength, text, range }], isUndo: false, isRedo: false, isFlush: true };
  }

  private rangeOf(start: number, end: number): InstanceType<typeof Range> {
    const a = this.buffer.getPositionAt(start);
    const b = this.buffer.getPositionAt(end);
    return new Range(a.lineNumber, a.column, b.lineNumber, b.column);
  }

  private apply(ops: Operation[], how: 'edit' | 'undo' | 'redo'): ChangeEventData {
    const result = this.buffer.applyEdits(
      ops.map((o) => ({ identifier: null, range: o.range, text: o.text, forceMoveMarkers: false })),
      false,
      true,
    );
    const inverse: Operation[] = result.reverseEdits.map((r: any) => ({ range: r.range, text: r.text ?? '' }));
    if (how === 'undo') this.redoStack.push(inverse);
    else this.undoStack.push(inverse);
    return {
      path: this.path,
      versionId: ++this.versionId,
      changes: result.changes.map((c: any) => ({
        rangeOffset: c.rangeOffset,
        rangeLength: c.rangeLength,
        text: c.text,
        range: { startLineNumber: c.range.startLineNumber, startColumn: c.range.startColumn, endLineNumber: c.range.endLineNumber, endColumn: c.range.endColumn },
      })),
      isUndo: how === 'undo',
      isRedo: how === 'redo',
    };
  }
}

function build(text: string): any {
  const b = new PieceTreeTextBufferBuilder();
  b.acceptChunk(text);
  return b.finish(true).create(1).textBuffer;
}
