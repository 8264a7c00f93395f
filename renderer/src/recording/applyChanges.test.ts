/**
 * applyChanges against Monaco itself: a real TextModel (the editor's own, run headless) is edited with multi-cursor
 * edits, undo, redo, resets and random edit sequences; every content event is turned into a record by the same
 * builder the app uses, replayed onto a plain string, and compared with the model's text after each event.
 */
import { describe, expect, it } from 'vitest';
import { applyChanges, applyEditorChange, type RecordedChange } from './applyChanges';
import { editorChange } from './clientEvents';

/* Monaco's common layer has no type declarations for these paths; the test only needs a handful of calls. */
async function monacoKit() {
  const load = (p: string): Promise<any> => import(/* @vite-ignore */ `monaco-editor/${p}`);
  const { TextModel } = await load('editor/common/model/textModel');
  const { UndoRedoService } = await load('platform/undoRedo/common/undoRedoService');
  const { LanguageService } = await load('editor/common/services/languageService');
  const { ILanguageService } = await load('editor/common/languages/language');
  const { LanguageConfigurationService, ILanguageConfigurationService } = await load('editor/common/languages/languageConfigurationRegistry');
  const { ITreeSitterLibraryService } = await load('editor/common/services/treeSitter/treeSitterLibraryService');
  const { InstantiationService } = await load('platform/instantiation/common/instantiationService');
  const { ServiceCollection } = await load('platform/instantiation/common/serviceCollection');
  const { Range } = await load('editor/common/core/range');
  const config = { getValue: () => undefined, onDidChangeConfiguration: () => ({ dispose() {} }) };
  const languages = new LanguageService();
  const languageConfig = new LanguageConfigurationService(config, languages);
  const undoRedo = new UndoRedoService({}, {});
  const inst = new InstantiationService(
    new ServiceCollection([ILanguageService, languages], [ILanguageConfigurationService, languageConfig], [ITreeSitterLibraryService, { supportsLanguage: () => false }]),
  );
  return {
    Range,
    createModel: (text: string) => new TextModel(text, 'plaintext', TextModel.DEFAULT_CREATION_OPTIONS, null, undoRedo, languages, languageConfig, inst),
  };
}

type Kit = Awaited<ReturnType<typeof monacoKit>>;

/** Records a model as the app does and checks the replay after every event. Returns the number of events seen. */
function follow(model: any): { check: () => void; events: () => number } {
  let shadow: string = model.getValue();
  let events = 0;
  let failure: string | undefined;
  model.onDidChangeContent((e: any) => {
    const rec = editorChange('f.py', e);
    // Through JSON, as the record travels.
    const data = JSON.parse(JSON.stringify(rec.data)) as { changes: RecordedChange[]; eol?: string };
    shadow = applyEditorChange(shadow, data);
    events++;
    if (failure === undefined && shadow !== model.getValue()) failure = `after event ${events} (v${e.versionId}): replay differs`;
  });
  return {
    check: () => {
      expect(failure).toBeUndefined();
      expect(shadow).toBe(model.getValue());
    },
    events: () => events,
  };
}

/** Deterministic, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('applyChanges', () => {
  it('applies non-overlapping changes whose offsets refer to the text before the event', () => {
    const r = { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 };
    // Three cursors typing "x", listed in the order Monaco uses (last first) and in the opposite order.
    const changes = [0, 4, 8].map((rangeOffset) => ({ rangeOffset, rangeLength: 0, text: 'x', range: r }));
    expect(applyChanges('abc\ndef\nghi', [...changes].reverse())).toBe('xabc\nxdef\nxghi');
    expect(applyChanges('abc\ndef\nghi', changes)).toBe('xabc\nxdef\nxghi');
    expect(applyChanges('hello world', [{ rangeOffset: 0, rangeLength: 5, text: 'bye', range: r }, { rangeOffset: 6, rangeLength: 5, text: 'all', range: r }])).toBe(
      'bye all',
    );
    expect(() => applyChanges('abc', [{ rangeOffset: 2, rangeLength: 5, text: '', range: r }])).toThrow(RangeError);
  });

  it('keeps Monaco\'s order for sequential changes at one offset (an undo across an end-of-line change)', () => {
    const r = { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 };
    // Recorded from Monaco (see the CRLF test below): the third change applies to the second's result.
    const changes = [
      { rangeOffset: 8, rangeLength: 6, text: '', range: r },
      { rangeOffset: 0, rangeLength: 4, text: '', range: r },
      { rangeOffset: 0, rangeLength: 4, text: 'a\r\nbx', range: r },
    ];
    expect(applyChanges('top\na\nbx\ny\nz\nc', changes)).toBe('a\r\nbx');
  });

  it('follows an end-of-line change, whose text edits Monaco does not list', () => {
    expect(applyEditorChange('a\nb\r\nc', { changes: [], eol: '\r\n' })).toBe('a\r\nb\r\nc');
    expect(applyEditorChange('a\r\nb', { changes: [], eol: '\n' })).toBe('a\nb');
  });
});

describe('applyChanges replays Monaco', () => {
  let kit: Kit;
  it('loads Monaco headless', async () => {
    kit = await monacoKit();
  });

  it('multi-cursor typing and deleting, then undo and redo', () => {
    const model = kit.createModel('def f(a, b):\n    return a\n\nprint(f(1, 2))\n');
    const rec = follow(model);
    const R = kit.Range;
    // Three cursors at column 1 of lines 1, 2, 4, typing "# " one character at a time.
    for (const ch of ['#', ' ']) {
      const col = ch === '#' ? 1 : 2;
      model.pushEditOperations([], [1, 2, 4].map((l) => ({ range: new R(l, col, l, col), text: ch })), () => null);
    }
    // A multi-cursor replace of the same word on two lines, and a deletion spanning a line break.
    model.pushStackElement();
    model.pushEditOperations([], [{ range: new R(1, 9, 1, 10), text: 'alpha' }, { range: new R(2, 14, 2, 15), text: 'alpha' }], () => null);
    model.pushStackElement();
    model.pushEditOperations([], [{ range: new R(2, 17, 4, 1), text: '' }], () => null);
    model.pushStackElement();
    model.undo();
    model.undo();
    model.redo();
    model.undo();
    model.undo();
    model.redo();
    model.redo();
    rec.check();
    expect(rec.events()).toBeGreaterThan(8);
  });

  it('a reset (setValue, isFlush) and a reload from disk as one edit', () => {
    const model = kit.createModel('one\ntwo\n');
    const rec = follow(model);
    model.setValue('three\nfour\nfive');
    model.pushStackElement();
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: 'from disk\n' }], () => null);
    model.pushStackElement();
    model.undo();
    rec.check();
  });

  it('CRLF files, inserted line breaks and an end-of-line change', () => {
    const model = kit.createModel('a\r\nb\r\nc');
    const rec = follow(model);
    const R = kit.Range;
    model.pushEditOperations([], [{ range: new R(2, 2, 2, 2), text: 'x\ny\nz' }], () => null);
    model.setEOL(0); // LF
    model.pushEditOperations([], [{ range: new R(1, 1, 1, 1), text: 'top\r\n' }], () => null);
    model.undo();
    rec.check();
  });

  const starts = [
    { seed: 7, text: 'import numpy as np\n\ndef solve(x):\n\treturn np.cumsum(x)\n' },
    { seed: 11, text: 'import numpy as np\r\n\r\ndef solve(x):\r\n\treturn np.cumsum(x)\r\n' },
  ];
  it.each(starts)('random multi-cursor edits, undo and redo (2000 steps, seed $seed)', ({ seed, text }) => {
    const rand = rng(seed);
    const model = kit.createModel(text);
    const rec = follow(model);
    const R = kit.Range;
    const alphabet = ['a', 'Z', ' ', '\n', '\t', '()', 'é', '🙂', 'np.', '\r\n', ''];
    for (let step = 0; step < 2000; step++) {
      const roll = rand();
      if (roll < 0.12) model.undo();
      else if (roll < 0.2) model.redo();
      else if (roll < 0.25) model.pushStackElement();
      else {
        // 1–4 cursors at distinct offsets, each replacing 0–3 characters.
        const len = model.getValueLength();
        const n = 1 + Math.floor(rand() * 4);
        const starts = [...new Set(Array.from({ length: n }, () => Math.floor(rand() * (len + 1))))].sort((a, b) => a - b);
        const ops = [];
        let prevEnd = -1;
        for (let i = 0; i < starts.length; i++) {
          const next = i + 1 < starts.length ? starts[i + 1]! : len;
          const end = Math.min(next, starts[i]! + Math.floor(rand() * 4));
          // Positions snap out of a CRLF pair or a surrogate pair; skip a range that then touches the previous one.
          const a = model.getPositionAt(starts[i]!);
          const b = model.getPositionAt(end);
          if (model.getOffsetAt(a) <= prevEnd) continue;
          prevEnd = model.getOffsetAt(b);
          ops.push({ range: new R(a.lineNumber, a.column, b.lineNumber, b.column), text: alphabet[Math.floor(rand() * alphabet.length)]! });
        }
        model.pushEditOperations([], ops, () => null);
      }
    }
    rec.check();
    expect(rec.events()).toBeGreaterThan(1500);
  });
});
