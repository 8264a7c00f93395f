import { describe, expect, it } from 'vitest';
import { preview, summarize } from './summarize';

describe('summarize', () => {
  it('shortens terminal output and escapes control characters', () => {
    const s = summarize({ kind: 'pty.output', data: { ptyId: 'p1', data: '\u001b[1mhi\u001b[0m\r\n' + 'x'.repeat(200) } });
    expect(s.startsWith('p1 "\\e[1mhi\\e[0m\\r\\n')).toBe(true);
    expect(s).toMatch(/…" \(212 chars\)$/);
    expect(preview('a\u0007b')).toBe('"a\\x07b"');
  });

  it('says what an editor change did', () => {
    const range = { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 };
    const d = { path: 'a.py', versionId: 7, isUndo: true, isRedo: false, changes: [0, 5].map((o) => ({ rangeOffset: o, rangeLength: 1, text: 'x', range })) };
    expect(summarize({ kind: 'editor.change', data: d })).toBe('a.py v7 undo −2 +"xx" at 2 places');
  });

  it('covers pastes, notes, idle spans, cursors and unknown kinds', () => {
    expect(summarize({ kind: 'app.paste', data: { target: 'terminal', ptyId: 'p2', length: 3, sha256: 'ab', content: 'ls\n' } })).toBe('into terminal p2: 3 chars "ls\\n"');
    expect(summarize({ kind: 'app.note', data: { text: 'tried fp16' } })).toBe('"tried fp16"');
    expect(summarize({ kind: 'app.idle', data: { fromT: 0, toT: 90_000, idleMs: 90_000 } })).toBe('no input for 1 min 30 s');
    const sel = (l: number) => ({ startLineNumber: l, startColumn: 2, endLineNumber: l, endColumn: 2 });
    expect(summarize({ kind: 'editor.cursor', data: { path: 'a.py', selections: [sel(3), sel(4)] } })).toBe('a.py 3:2 (+1 cursors)');
    expect(summarize({ kind: 'app.focus', data: {} })).toBe('window focused');
    expect(summarize({ kind: 'agent.thought', data: { text: 'hm' } })).toBe('{"text":"hm"}');
    expect(summarize({ kind: 'app.start', data: {} })).toBe('');
  });
});
