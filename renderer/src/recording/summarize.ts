/**
 * One line per record for the live record panel: what the expert needs to see to know what is kept, without the
 * bulk (terminal output and long texts are shortened, control characters shown as escapes).
 */
import type { EventRecord } from '../../../main/common/events/record';

/** Characters of a text shown before it is cut with "…". */
export const PREVIEW_CHARS = 60;

// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Text as a short quoted preview: control characters escaped, cut at `max`, with the full length when cut. */
export function preview(text: string, max = PREVIEW_CHARS): string {
  const escaped = text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    if (c === '\u001b') return '\\e';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  if (escaped.length <= max) return `"${escaped}"`;
  return `"${escaped.slice(0, max)}…" (${text.length} chars)`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const short = (sha: unknown): string => (typeof sha === 'string' ? sha.slice(0, 8) : '–');

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

type Data = Record<string, unknown>;

const SUMMARIES: Record<string, (d: Data) => string> = {
  'pty.open': (d) => `${str(d.ptyId)} ${num(d.cols)}×${num(d.rows)}`,
  'pty.resize': (d) => `${str(d.ptyId)} ${num(d.cols)}×${num(d.rows)}`,
  'pty.input': (d) => `${str(d.ptyId)} ${preview(str(d.data))}`,
  'pty.output': (d) => `${str(d.ptyId)} ${preview(str(d.data))}`,
  'pty.exit': (d) => `${str(d.ptyId)} exit ${str(d.exitCode)}`,
  'editor.open': (d) => `${str(d.path)} v${num(d.versionId)} sha ${short(d.sha256)}${typeof d.content === 'string' ? ` with content (${d.content.length} chars)` : ''}`,
  'editor.change': (d) => {
    const changes = Array.isArray(d.changes) ? (d.changes as { rangeLength?: number; text?: string }[]) : [];
    const removed = changes.reduce((n, c) => n + num(c.rangeLength), 0);
    const text = changes.map((c) => str(c.text)).join('');
    const flags = [d.isUndo ? 'undo' : '', d.isRedo ? 'redo' : '', d.isFlush ? 'reset' : ''].filter(Boolean).join(' ');
    const where = changes.length > 1 ? ` at ${changes.length} places` : '';
    return `${str(d.path)} v${num(d.versionId)}${flags ? ` ${flags}` : ''}${removed ? ` −${removed}` : ''}${text ? ` +${preview(text, 40)}` : ''}${where}`;
  },
  'editor.save': (d) => `${str(d.path)} v${num(d.versionId)} sha ${short(d.sha256)}${d.size !== undefined ? ` ${num(d.size)} B` : ''}`,
  'editor.cursor': (d) => {
    const sel = Array.isArray(d.selections) ? (d.selections as Data[]) : [];
    const p = sel[0];
    const at = p ? `${num(p.startLineNumber)}:${num(p.startColumn)}` : '?';
    const span = p && (p.startLineNumber !== p.endLineNumber || p.startColumn !== p.endColumn) ? `–${num(p.endLineNumber)}:${num(p.endColumn)}` : '';
    return `${str(d.path)} ${at}${span}${sel.length > 1 ? ` (+${sel.length - 1} cursors)` : ''}`;
  },
  'fs.change': (d) => (d.sha256 === null ? `${str(d.path)} deleted` : `${str(d.path)} ${num(d.size)} B sha ${short(d.sha256)}`),
  'app.focus': (d) => `window focused${d.visibility ? ` (${str(d.visibility)})` : ''}`,
  'app.blur': (d) => `window lost focus${d.visibility ? ` (${str(d.visibility)})` : ''}`,
  'app.paste': (d) =>
    `into ${str(d.target)}${d.path ? ` ${str(d.path)}` : ''}${d.ptyId ? ` ${str(d.ptyId)}` : ''}: ${num(d.length)} chars${typeof d.content === 'string' ? ` ${preview(d.content, 40)}` : ''}`,
  'app.idle': (d) => `no input for ${seconds(num(d.idleMs) || num(d.toT) - num(d.fromT))}`,
  'app.note': (d) => preview(str(d.text), 80),
  'app.pause': (d) => `paused: ${str(d.reason)}`,
  'app.resume': (d) => `resumed${d.reason ? `: ${str(d.reason)}` : ''}`,
  'app.recovered': (d) => `log reopened after ${seconds(num(d.gapWallMs))}${num(d.droppedTornBytes) ? `, ${num(d.droppedTornBytes)} torn bytes dropped` : ''}`,
  'scorer.request': (d) => `score requested (${str(d.id)})`,
  'scorer.result': (d) => `score ${d.score === null ? 'none' : str(d.score)}${d.message ? ` — ${preview(str(d.message), 40)}` : ''}`,
  'os.net': (d) => `${str(d.name)} ${d.up ? 'up' : 'down'}`,
  'os.gpu': (d) => {
    const gpus = Array.isArray(d.gpus) ? (d.gpus as Data[]) : [];
    return gpus.map((g) => `GPU${num(g.index)} ${num(g.utilization)}% ${num(g.memoryUsedMiB)}/${num(g.memoryTotalMiB)} MiB`).join(', ') || 'no GPU';
  },
};

export function summarize(r: Pick<EventRecord, 'kind' | 'data'>): string {
  const f = SUMMARIES[r.kind];
  if (f) {
    try {
      return f(r.data);
    } catch {
      // A record from a newer app with other field types: fall back to its JSON.
    }
  }
  const json = JSON.stringify(r.data);
  return json === '{}' ? '' : json.length > 100 ? `${json.slice(0, 100)}…` : json;
}
