/**
 * The replay's playhead: seeking asks the host for a frame; playing fetches records ahead of the playhead in
 * windows (replayRange) and applies each when the playhead, moving at the chosen speed, passes its time.
 */
import type { ReplayFrame, ReplayInfo } from '../../../main/common/api';
import type { EventRecord } from '../../../main/common/events/record';
import { typedText } from '../../../main/common/replay/typedText';
import { api } from '../api/client';
import { ReplayPanes } from './ReplayPanes';

/** What the overlay shows: keys typed in this window before the playhead (as the host's frames do). */
export const KEYS_WINDOW_MS = 3_000;
/** Records per replayRange call; the host never splits records that share a t, so a page may be a little longer. */
const PAGE = 5_000;
/** Keep this much attempt time fetched ahead of the playhead: 4 s of wall time at the current speed, 5 s at least. */
const aheadMs = (speed: number) => Math.max(5_000, 4_000 * speed);
/** The store hears about the playhead at most this often while playing. */
const REPORT_MS = 100;
/** File texts the host is asked for after records it cannot apply alone, at most this often. */
const RESYNC_MS = 500;

export interface PlayerHooks {
  /** The playhead moved (throttled while playing), or playing stopped. */
  onTime(t: number, playing: boolean): void;
  /** Terminals or files appeared, exited or went away. */
  onLayout(): void;
  onKeys(keys: { t: number; text: string }[]): void;
  /** The expert typed into this terminal or edited this file: the view may follow. */
  onFocus(focus: { ptyId?: string; path?: string }): void;
  onError(e: unknown): void;
}

export class ReplayPlayer {
  readonly panes: ReplayPanes;
  t = 0;
  playing = false;
  speed = 1;
  private keys: { t: number; text: string }[] = [];
  /** Records fetched, not yet applied, in order. */
  private queue: EventRecord[] = [];
  /** Every record with t before coveredTo (or at it, when inclusive) is applied or queued. */
  private coveredTo = 0;
  private coveredInclusive = true;
  private fetching = false;
  /** Bumped by every seek: answers to requests made before it are dropped. */
  private generation = 0;
  private raf?: number;
  private lastFrameAt = 0;
  private lastReport = 0;
  private resyncPaths = new Set<string>();
  private resyncTimer?: ReturnType<typeof setTimeout>;
  private disposed = false;
  /** Seeks in flight: the playhead holds still until the frame is painted. */
  private seeking = 0;

  constructor(
    readonly info: ReplayInfo,
    private readonly hooks: PlayerHooks,
  ) {
    this.panes = new ReplayPanes(info.replayId, {
      onLayout: () => hooks.onLayout(),
      onNeedFile: (path) => this.needFile(path),
    });
  }

  get durationMs(): number {
    return this.info.durationMs;
  }

  /** Shows the state at t; playing goes on from there if it was playing. */
  async seek(t: number): Promise<void> {
    const gen = ++this.generation;
    this.seeking++;
    const target = Math.min(Math.max(0, t), this.durationMs);
    this.queue = [];
    this.fetching = false;
    let frame: ReplayFrame;
    try {
      frame = await api.replayFrame(this.info.replayId, target);
    } catch (e) {
      if (gen === this.generation) this.hooks.onError(e);
      return;
    } finally {
      this.seeking--;
    }
    if (gen !== this.generation || this.disposed) return;
    this.panes.applyFrame(frame);
    this.t = target;
    this.coveredTo = target;
    this.coveredInclusive = true;
    this.keys = frame.recentKeys;
    this.hooks.onKeys(this.keys);
    this.hooks.onTime(this.t, this.playing);
    if (frame.activeFile) this.hooks.onFocus({ path: frame.activeFile });
    this.lastFrameAt = performance.now();
    if (this.playing) this.fill(gen);
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.hooks.onTime(this.t, true);
    // At the end, play starts over.
    if (this.t >= this.durationMs) void this.seek(0);
    else this.fill(this.generation);
    this.lastFrameAt = performance.now();
    this.raf = requestAnimationFrame((now) => this.tick(now));
  }

  pause(): void {
    this.playing = false;
    if (this.raf !== undefined) cancelAnimationFrame(this.raf);
    this.raf = undefined;
    this.hooks.onTime(this.t, false);
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    if (this.playing) this.fill(this.generation);
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.pause();
    clearTimeout(this.resyncTimer);
    this.panes.dispose();
  }

  private tick(now: number): void {
    if (!this.playing || this.disposed) return;
    const dt = Math.min(now - this.lastFrameAt, 250); // a hidden tab comes back without jumping minutes ahead
    this.lastFrameAt = now;
    if (this.seeking) {
      this.raf = requestAnimationFrame((n) => this.tick(n));
      return;
    }
    let target = Math.min(this.durationMs, this.t + dt * this.speed);
    // Never run past what has been fetched: wait for the next window instead of skipping records.
    const fetchedTo = this.coveredTo;
    if (fetchedTo < this.durationMs && target > fetchedTo) target = Math.max(this.t, fetchedTo);
    while (this.queue.length && this.queue[0]!.t <= target) this.applyRecord(this.queue.shift()!);
    this.t = target;
    this.pruneKeys();
    this.fill(this.generation);
    if (this.t >= this.durationMs && !this.queue.length) {
      this.pause();
      return;
    }
    if (now - this.lastReport >= REPORT_MS) {
      this.lastReport = now;
      this.hooks.onTime(this.t, true);
      this.hooks.onKeys(this.keys);
    }
    this.raf = requestAnimationFrame((n) => this.tick(n));
  }

  private applyRecord(r: EventRecord): void {
    this.panes.apply(r);
    const text = typedText(r);
    if (text !== undefined) {
      this.keys.push({ t: r.t, text });
      const ptyId = (r.data as { ptyId?: unknown }).ptyId;
      this.hooks.onFocus(typeof ptyId === 'string' ? { ptyId } : { path: ReplayPanes.editorPath(r) });
    } else if (r.kind === 'editor.open') this.hooks.onFocus({ path: ReplayPanes.editorPath(r) });
  }

  private pruneKeys(): void {
    const from = this.t - KEYS_WINDOW_MS;
    let i = 0;
    while (i < this.keys.length && this.keys[i]!.t <= from) i++;
    if (i) this.keys = this.keys.slice(i);
  }

  /** Fetches the next window when the queue runs short of the playhead plus a few seconds at this speed. */
  private fill(gen: number): void {
    if (this.fetching || this.coveredTo >= this.durationMs + 1 || this.coveredTo - this.t > aheadMs(this.speed)) return;
    this.fetching = true;
    const from = this.coveredTo;
    const inclusive = this.coveredInclusive;
    const to = from + 2 * aheadMs(this.speed);
    api
      .replayRange(this.info.replayId, from, to, PAGE)
      .then((records) => {
        if (gen !== this.generation || this.disposed) return;
        this.fetching = false;
        const fresh = records.filter((r) => (inclusive ? r.t > from : r.t >= from));
        this.queue.push(...fresh);
        if (records.length >= PAGE) {
          const last = records[records.length - 1]!.t;
          // The host returned every record at `last`; if that was all there was, step past it.
          this.coveredTo = fresh.length ? last : last + 0.001;
          this.coveredInclusive = true;
        } else {
          this.coveredTo = Math.min(to, this.durationMs + 1);
          this.coveredInclusive = false;
        }
        if (this.playing) this.fill(gen);
      })
      .catch((e: unknown) => {
        if (gen !== this.generation) return;
        this.fetching = false;
        this.pause();
        this.hooks.onError(e);
      });
  }

  /** Asks the host for files' texts at the playhead, a few at a time. */
  private needFile(path: string): void {
    this.resyncPaths.add(path);
    if (this.resyncTimer !== undefined) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      const paths = this.resyncPaths;
      this.resyncPaths = new Set();
      const gen = this.generation;
      api
        .replayFrame(this.info.replayId, this.t)
        .then((frame) => {
          if (gen !== this.generation || this.disposed) return;
          for (const f of frame.files) if (paths.has(f.path) || !this.panes.files.has(f.path)) this.panes.setFile(f.path, f.content);
          this.hooks.onLayout();
        })
        .catch((e: unknown) => this.hooks.onError(e));
    }, RESYNC_MS);
  }
}
