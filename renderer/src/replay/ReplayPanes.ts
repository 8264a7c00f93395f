/**
 * The replay's terminals and files: one xterm per pty and one Monaco model per file, painted from a frame and then
 * kept moving by records. Lives outside React (like the attempt's TerminalSession): components only lend the
 * terminals a container and show a model.
 */
import { Terminal } from '@xterm/xterm';
import type { ReplayFrame } from '../../../main/common/api';
import { applyChangeEvent, type TextChange } from '../../../main/common/events/applyChanges';
import type { EventRecord } from '../../../main/common/events/record';
import { monaco } from '../editor/monacoSetup';
import { languageFor } from '../lib/language';

const THEME = { background: '#101216', foreground: '#d8dee9', cursor: '#d8dee9', selectionBackground: '#3b4252' };
/** As the replay host keeps (REPLAY_SCROLLBACK): a frame never holds more. */
const SCROLLBACK = 1000;

export interface ReplayTerm {
  ptyId: string;
  term: Terminal;
  element: HTMLDivElement;
  exited: boolean;
}

export interface ReplayFile {
  path: string;
  model: monaco.editor.ITextModel;
  /** False while the log does not say the file's text (changed outside the editor, or opened without it). */
  known: boolean;
}

export interface PanesListener {
  /** The set of terminals or files changed (one opened, exited, was deleted). */
  onLayout(): void;
  /** A record needs the host to say a file's text (an open without content, a change made outside the editor). */
  onNeedFile(path: string): void;
}

/** Font sizes a replayed terminal may take to fit its recorded size into the pane. */
const FONT = { max: 13, min: 7 };
/** A monospace cell is about this wide and tall per pixel of font size (DejaVu Sans Mono and its kind). */
const CELL = { width: 0.61, height: 1.2 };

export class ReplayPanes {
  readonly terms = new Map<string, ReplayTerm>();
  readonly files = new Map<string, ReplayFile>();
  /** The pane the terminals are shown in: a terminal keeps its recorded size and its font shrinks to fit. */
  private viewport = { width: 0, height: 0 };

  constructor(
    private readonly replayId: string,
    private readonly listener: PanesListener,
  ) {}

  /** Paints a frame: terminals rewritten from their serialized state, models set to their text. */
  applyFrame(frame: ReplayFrame, filesOnly = false): void {
    if (!filesOnly) {
      const keep = new Set(frame.terminals.map((t) => t.ptyId));
      for (const [id, t] of this.terms) if (!keep.has(id)) this.dropTerm(id, t);
      for (const f of frame.terminals) {
        const t = this.terms.get(f.ptyId) ?? this.openTerm(f.ptyId, f.cols, f.rows);
        t.term.reset();
        if (t.term.cols !== f.cols || t.term.rows !== f.rows) t.term.resize(f.cols, f.rows);
        t.term.write(f.serialized);
        t.exited = false;
      }
      const keepFiles = new Set(frame.files.map((f) => f.path));
      for (const [path, f] of this.files) if (!keepFiles.has(path)) this.dropFile(path, f);
    }
    for (const f of frame.files) this.setFile(f.path, f.content);
    this.listener.onLayout();
  }

  /** Applies one record played forward. */
  apply(r: EventRecord): void {
    const d = r.data as Record<string, unknown>;
    if (r.kind.startsWith('pty.')) this.applyPty(r.kind, d);
    else if (r.kind.startsWith('editor.') || r.kind === 'fs.change') this.applyFileRecord(r.kind, d);
  }

  /** The file a record is about, if it is an editor record (for following the expert's focus). */
  static editorPath(r: EventRecord): string | undefined {
    const p = (r.data as { path?: unknown }).path;
    return r.kind.startsWith('editor.') && typeof p === 'string' ? p : undefined;
  }

  setFile(path: string, content: string | null): void {
    const f = this.files.get(path) ?? this.openFile(path);
    f.known = content !== null;
    const text = content ?? '';
    if (f.model.getValue() !== text) f.model.setValue(text);
  }

  /** The terminal pane's inner size changed. */
  setViewport(width: number, height: number): void {
    this.viewport = { width, height };
    for (const t of this.terms.values()) this.fit(t);
  }

  private fit(t: ReplayTerm): void {
    const { width, height } = this.viewport;
    if (width <= 0 || height <= 0) return;
    const size = Math.floor(Math.min(width / (t.term.cols * CELL.width), height / (t.term.rows * CELL.height)));
    const fontSize = Math.max(FONT.min, Math.min(FONT.max, size));
    if (t.term.options.fontSize !== fontSize) t.term.options.fontSize = fontSize;
  }

  dispose(): void {
    for (const [id, t] of this.terms) this.dropTerm(id, t);
    for (const [path, f] of this.files) this.dropFile(path, f);
  }

  private applyPty(kind: string, d: Record<string, unknown>): void {
    const ptyId = typeof d.ptyId === 'string' ? d.ptyId : undefined;
    if (!ptyId) return;
    const t = this.terms.get(ptyId);
    switch (kind) {
      case 'pty.open': {
        if (t) this.dropTerm(ptyId, t);
        this.openTerm(ptyId, num(d.cols, 80), num(d.rows, 24));
        this.listener.onLayout();
        return;
      }
      case 'pty.output':
        if (typeof d.data === 'string') (t ?? this.openTerm(ptyId, 80, 24)).term.write(d.data);
        return;
      case 'pty.resize': {
        if (!t) return;
        const cols = num(d.cols, t.term.cols);
        const rows = num(d.rows, t.term.rows);
        // Behind the writes already queued, as the host's replay does.
        t.term.write('', () => t.term.resize(cols, rows));
        return;
      }
      case 'pty.exit':
        if (t) {
          t.exited = true;
          this.listener.onLayout();
        }
        return;
      default:
        return;
    }
  }

  private applyFileRecord(kind: string, d: Record<string, unknown>): void {
    const path = typeof d.path === 'string' ? d.path : undefined;
    if (!path) return;
    const f = this.files.get(path);
    if (kind === 'editor.open') {
      if (typeof d.content === 'string') this.setFile(path, d.content);
      else if (!f || !f.known) this.listener.onNeedFile(path);
      if (!f) this.listener.onLayout();
      return;
    }
    if (kind === 'editor.change') {
      if (!f) {
        this.listener.onNeedFile(path);
        return;
      }
      const changes = Array.isArray(d.changes) ? (d.changes as (TextChange & { range?: unknown })[]) : [];
      if (d.isFlush === true) {
        this.setFile(path, changes[0]?.text ?? '');
        return;
      }
      if (!f.known) return;
      try {
        if (typeof d.eol === 'string') f.model.setValue(applyChangeEvent(f.model.getValue(), { changes, eol: d.eol }));
        else applyToModel(f.model, changes);
      } catch {
        this.listener.onNeedFile(path);
      }
      return;
    }
    if (kind === 'fs.change') {
      if (d.sha256 === null) {
        if (f) this.dropFile(path, f);
        this.listener.onLayout();
      } else {
        // Our own save comes back with the hash we have; anything else changed the file: the host knows.
        this.listener.onNeedFile(path);
        if (!f) this.listener.onLayout();
      }
    }
  }

  private openTerm(ptyId: string, cols: number, rows: number): ReplayTerm {
    const element = document.createElement('div');
    element.className = 'replay-xterm';
    const term = new Terminal({
      cols,
      rows,
      scrollback: SCROLLBACK,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      theme: THEME,
      disableStdin: true,
      cursorBlink: false,
    });
    term.open(element);
    const t: ReplayTerm = { ptyId, term, element, exited: false };
    term.onResize(() => this.fit(t));
    this.terms.set(ptyId, t);
    this.fit(t);
    return t;
  }

  private dropTerm(ptyId: string, t: ReplayTerm): void {
    t.term.dispose();
    t.element.remove();
    this.terms.delete(ptyId);
  }

  private openFile(path: string): ReplayFile {
    const uri = monaco.Uri.from({ scheme: 'redesk-replay', authority: this.replayId.toLowerCase(), path: `/${path}` });
    monaco.editor.getModel(uri)?.dispose();
    const f: ReplayFile = { path, model: monaco.editor.createModel('', languageFor(path), uri), known: false };
    this.files.set(path, f);
    return f;
  }

  private dropFile(path: string, f: ReplayFile): void {
    f.model.dispose();
    this.files.delete(path);
  }
}

/**
 * Monaco applies one event's edits against the text before them, all at once: exactly what the record holds. A
 * list whose changes are sequential (equal offsets) goes through applyChanges instead.
 */
function applyToModel(model: monaco.editor.ITextModel, changes: readonly TextChange[]): void {
  const offsets = new Set(changes.map((c) => c.rangeOffset));
  if (offsets.size !== changes.length) {
    model.setValue(applyChangeEvent(model.getValue(), { changes }));
    return;
  }
  const length = model.getValueLength();
  const edits = changes.map((c) => {
    if (c.rangeOffset + c.rangeLength > length) throw new RangeError('change outside the text');
    const a = model.getPositionAt(c.rangeOffset);
    const b = model.getPositionAt(c.rangeOffset + c.rangeLength);
    return { range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), text: c.text };
  });
  model.applyEdits(edits);
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
}
