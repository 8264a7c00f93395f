import { describe, expect, it } from 'vitest';
import { PASTE_CONTENT_MAX } from '../../../main/common/events/kinds';
import { appFocus, appIdle, appNote, appPaste, cutUtf16, editorChange, editorCursor, editorOpen, editorSave, OPEN_CONTENT_MAX_BYTES } from './clientEvents';
import { clientEventProblem } from './Recorder';

const sha = 'a'.repeat(64);
const range = { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 3 };

describe('client events', () => {
  it('fit the host\'s kinds (main/common/events/kinds.ts)', () => {
    const change = { changes: [{ rangeOffset: 0, rangeLength: 2, text: 'x', range, forceMoveMarkers: false }], versionId: 3, isUndoing: true, isRedoing: false, isFlush: false, isEolChange: false, eol: '\n' };
    const events = [
      editorChange('a.py', change),
      editorChange('a.py', { ...change, isFlush: true, isEolChange: true, eol: '\r\n' }),
      editorOpen('a.py', 1, sha, 'text'),
      editorSave('a.py', 4, sha, 10),
      editorCursor('a.py', [range, range]),
      appPaste({ target: 'terminal', ptyId: 'pty-1' }, 'ls\n', sha),
      appPaste({ target: 'editor', path: 'a.py' }, 'x'.repeat(PASTE_CONTENT_MAX + 5), sha),
      appFocus(true, 'visible'),
      appFocus(false, 'hidden'),
      appIdle(5000, 4000, 61_000),
      appNote('hello'),
    ];
    for (const e of events) expect(clientEventProblem(e), e.kind).toBeUndefined();
  });

  it('keeps exactly the fields replay needs from a Monaco event', () => {
    const e = editorChange('a.py', {
      changes: [{ rangeOffset: 4, rangeLength: 0, text: 'y', range }],
      versionId: 9,
      isUndoing: false,
      isRedoing: true,
      isFlush: false,
      isEolChange: false,
      eol: '\n',
    });
    expect(e.data).toEqual({ path: 'a.py', versionId: 9, changes: [{ rangeOffset: 4, rangeLength: 0, text: 'y', range }], isUndo: false, isRedo: true });
  });

  it('cuts long pastes and opens, never splitting a surrogate pair', () => {
    const long = 'a'.repeat(PASTE_CONTENT_MAX - 1) + '🙂' + 'b';
    const p = appPaste({ target: 'editor' }, long, sha).data;
    expect(p).toMatchObject({ length: long.length, truncated: true });
    expect(p.content).toBe('a'.repeat(PASTE_CONTENT_MAX - 1));
    expect(cutUtf16('ab', 5)).toBe('ab');
    expect(appPaste({ target: 'editor' }, 'ok', sha).data.truncated).toBeUndefined();
    expect(editorOpen('big.txt', 1, sha, 'x'.repeat(OPEN_CONTENT_MAX_BYTES + 1)).data).toEqual({ path: 'big.txt', versionId: 1, sha256: sha, contentOmitted: true });
    // Counted as JSON bytes: 400 Ki CJK characters are 1.2 MB of UTF-8.
    expect(editorOpen('zh.md', 1, sha, '字'.repeat(400 * 1024)).data.contentOmitted).toBe(true);
    expect(editorOpen('a.py', 1, sha, 'x'.repeat(900 * 1024)).data.content).toHaveLength(900 * 1024);
    expect(editorOpen('a.py', 1, sha, undefined).data.content).toBeUndefined();
  });

  it('never writes an idle span that ends before it starts', () => {
    expect(appIdle(5000.4, 4000, 61_000).data).toEqual({ fromT: 5000, toT: 5000, idleMs: 61_000 });
  });
});
