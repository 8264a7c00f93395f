/** Monaco's text buffer internals, used only by the replay tests' MonacoBuffer (they ship without typings). */
declare module 'monaco-editor/editor/common/model/pieceTreeTextBuffer/pieceTreeTextBufferBuilder.js' {
  export class PieceTreeTextBufferBuilder {
    acceptChunk(chunk: string): void;
    finish(normalizeEOL?: boolean): { create(defaultEOL: number): { textBuffer: unknown } };
  }
}

declare module 'monaco-editor/editor/common/core/range.js' {
  export class Range {
    constructor(startLineNumber: number, startColumn: number, endLineNumber: number, endColumn: number);
    readonly startLineNumber: number;
    readonly startColumn: number;
    readonly endLineNumber: number;
    readonly endColumn: number;
  }
}
