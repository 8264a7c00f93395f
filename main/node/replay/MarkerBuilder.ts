import type { ReplayInfo } from '../../common/api';
import type { EventRecord } from '../../common/events/record';
import { normalizeScore } from '../../common/scoreMath';

export type Marker = ReplayInfo['markers'][number];
export type ScorePoint = ReplayInfo['scores'][number];

/** Notes and messages are cut to this in a marker's label (a tooltip, not a reader). */
const LABEL_MAX = 200;

/**
 * The timeline of an attempt, collected while its records stream past: scores, pauses, pastes, focus losses,
 * idle spans, notes, recoveries, an agent's tool calls, start and submit. Spans (pause, focus loss) close at the record that ends them,
 * or at the end of the log when nothing did.
 */
export class MarkerBuilder {
  readonly markers: Marker[] = [];
  readonly scores: ScorePoint[] = [];
  private openPause?: { marker: Marker; wall: number; reason: string };
  private openBlur?: Marker;

  constructor(private readonly baseline?: { start: number; reference: number }) {}

  add(r: EventRecord): void {
    const d = r.data as Record<string, unknown>;
    switch (r.kind) {
      case 'scorer.result': {
        const score = typeof d.score === 'number' ? d.score : null;
        const normalized = normalizeScore(score, this.baseline?.start, this.baseline?.reference);
        this.scores.push({ t: r.t, score, normalized });
        const msg = typeof d.message === 'string' && d.message ? `: ${d.message}` : '';
        const label = score === null ? `score failed${msg}` : `score ${fmt(score)}${normalized === null ? '' : ` (normalized ${normalized.toFixed(3)})`}`;
        this.push({ t: r.t, kind: score === null ? 'score-failed' : 'score', label: cut(label) });
        return;
      }
      case 'app.pause': {
        const marker: Marker = { t: r.t, kind: 'pause', label: '', endT: r.t };
        this.openPause = { marker, wall: Date.parse(r.wall), reason: typeof d.reason === 'string' ? d.reason : '' };
        marker.label = cut(`paused${this.openPause.reason ? `: ${this.openPause.reason}` : ''}`);
        this.push(marker);
        return;
      }
      case 'app.resume': {
        const p = this.openPause;
        if (!p) return;
        p.marker.endT = r.t;
        const ms = Date.parse(r.wall) - p.wall;
        if (Number.isFinite(ms)) p.marker.label = cut(`paused ${duration(ms)} (wall clock)${p.reason ? `: ${p.reason}` : ''}`);
        this.openPause = undefined;
        return;
      }
      case 'app.paste': {
        const target = typeof d.target === 'string' ? d.target : 'app';
        const length = typeof d.length === 'number' ? d.length : 0;
        const preview = typeof d.content === 'string' ? `: ${JSON.stringify(d.content.slice(0, 60))}` : '';
        this.push({ t: r.t, kind: 'paste', label: cut(`paste into ${target}, ${length} characters${preview}`) });
        return;
      }
      case 'app.blur':
        if (!this.openBlur) this.openBlur = this.push({ t: r.t, kind: 'focus-lost', label: 'window lost focus', endT: r.t });
        return;
      case 'app.focus': {
        const b = this.openBlur;
        if (!b) return;
        b.endT = r.t;
        b.label = `window lost focus for ${duration(r.t - b.t)}`;
        this.openBlur = undefined;
        return;
      }
      case 'app.idle': {
        const fromT = typeof d.fromT === 'number' ? d.fromT : r.t;
        const toT = typeof d.toT === 'number' ? d.toT : r.t;
        this.push({ t: fromT, kind: 'idle', label: `idle ${duration(toT - fromT)}`, endT: toT });
        return;
      }
      case 'app.note':
        this.push({ t: r.t, kind: 'note', label: cut(`note: ${typeof d.text === 'string' ? d.text : ''}`) });
        return;
      case 'app.recovered': {
        const gap = typeof d.gapWallMs === 'number' ? ` after ${duration(d.gapWallMs)}` : '';
        const torn = typeof d.droppedTornBytes === 'number' && d.droppedTornBytes > 0 ? `, ${d.droppedTornBytes} torn bytes dropped` : '';
        const how = d.clean === true ? ' (closed cleanly)' : d.clean === false ? ' (after a crash or kill)' : '';
        this.push({ t: r.t, kind: 'recovered', label: `log reopened${gap}${how}${torn}` });
        return;
      }
      case 'app.start':
        this.push({ t: r.t, kind: 'start', label: 'attempt started' });
        return;
      case 'agent.call': {
        // An agent's tool calls are its visible steps (a human's are in the terminal and editor panes).
        const tool = typeof d.tool === 'string' ? d.tool : 'tool';
        const args = (d.args ?? {}) as Record<string, unknown>;
        const what = typeof args.command === 'string' ? args.command : typeof args.path === 'string' ? args.path : '';
        this.push({ t: r.t, kind: 'agent', label: cut(`agent ${tool}${what ? `: ${what}` : ''}`) });
        return;
      }
      case 'app.submit':
        this.push({ t: r.t, kind: 'submit', label: cut(`submitted${typeof d.reason === 'string' && d.reason ? `: ${d.reason}` : ''}`) });
        return;
      default:
        return;
    }
  }

  /** Closes spans the log left open (it ended paused or unfocused). */
  finish(endT: number): void {
    if (this.openPause) this.openPause.marker.endT = endT;
    if (this.openBlur) this.openBlur.endT = endT;
    this.openPause = this.openBlur = undefined;
    // Idle spans are recorded when they end, so they arrive after records they precede.
    this.markers.sort((a, b) => a.t - b.t);
  }

  private push(m: Marker): Marker {
    this.markers.push(m);
    return m;
  }
}

function cut(s: string): string {
  return s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s;
}

function fmt(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toPrecision(5);
}

/** 95 s → "1m35s"; 3.2 s → "3.2s". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
