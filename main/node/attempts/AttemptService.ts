import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmitFn, StartOptions } from '../../common/api';
import { WARNING_MINUTES, isActive, type AttemptInfo, type AttemptSummary, type PreflightReport, type ScoreRow } from '../../common/attempt';
import type { Clock, Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { finalScore, normalizeScore } from '../../common/scoreMath';
import type { EnvSource, LoadedEnv, Scorer } from '../contracts';
import { AppIndex } from '../store/AppIndex';
import type { AppendOptions } from '../store/jsonLines';
import { copyStarter } from '../workspace/copyStarter';
import { Workspace } from '../workspace/Workspace';
import { AttemptClock, type FoldResult } from './AttemptClock';
import { toInfo, visibleRow } from './attemptInfo';
import { AttemptScoring } from './AttemptScoring';
import { newAttemptId, type AttemptFile } from './attemptState';
import { AttemptStore, type AttemptPaths } from './AttemptStore';
import { badState, clockPolicy, iso, isUnfinished, requireTransition, type Live } from './liveAttempt';
import { newAttemptFile, pausePolicyOf } from './newAttemptFile';
import { closePause } from './pauseRecords';
import { SerialQueue } from './SerialQueue';

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface AttemptServiceOptions {
  dataDir: string;
  envs: EnvSource;
  scorer: Scorer;
  clock: Clock;
  logger: Logger;
  emit: EmitFn;
  /** held: a resident host (app, browser mode) heartbeats the clocks. free: one-shot CLI commands, no timers. */
  mode: 'held' | 'free';
  preflight?: (env: LoadedEnv) => Promise<PreflightReport>;
  /** Heartbeat period in held mode: a killed host loses at most this much attempt time. */
  tickMs?: number;
  /** Tests pass timers that never fire and call tick() themselves. */
  timers?: Timers;
  /** Test seam for the score log's writes (a full disk). */
  appendOpts?: AppendOptions;
}

const DEFAULT_TICK_MS = 500;
const defaultTimers: Timers = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    // The host's server keeps the process alive; the heartbeat alone must not.
    h.unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * Attempts, as DESIGN.md "The attempt" describes: start from an environment, a clock persisted on a monotonic
 * basis, pauses under the env's policy, scoring into a durable log, submit and final score, expiry. The caller
 * holds the data folder's DataDirLock, so this process is the only one touching these attempts.
 */
export class AttemptService {
  private readonly store: AttemptStore;
  private index?: AppIndex;
  private readonly opening = new Map<string, Promise<Live>>();
  private readonly lives = new Map<string, Live>();
  private readonly abort = new AbortController();
  private readonly timers: Timers;
  private timer?: unknown;
  private ticking?: Promise<void>;

  private readonly scoring: AttemptScoring;

  constructor(private readonly o: AttemptServiceOptions) {
    this.store = new AttemptStore(o.dataDir, o.logger, o.appendOpts);
    this.timers = o.timers ?? defaultTimers;
    this.scoring = new AttemptScoring({
      envs: o.envs,
      scorer: o.scorer,
      store: this.store,
      clock: o.clock,
      logger: o.logger,
      signal: this.abort.signal,
      persist: (f) => this.persist(f),
    });
  }

  /** Opens the index (rebuilding it from the folders if it is missing or corrupt) and, in held mode, adopts every unfinished attempt. */
  async init(): Promise<void> {
    await mkdir(this.store.attemptsDir, { recursive: true });
    const files = await this.store.scan();
    const fromFolders = files.map((f) => this.store.summaryOf(f));
    this.index = await AppIndex.open(this.o.dataDir, { rebuild: async () => fromFolders, logger: this.o.logger, wallMs: () => this.o.clock.wallMs() });
    // A crash between writing state.json and the index leaves them apart; the folders win.
    await this.index.reconcile(fromFolders, new Set(await this.store.listIds()));
    if (this.o.mode !== 'held') return;
    for (const f of files) if (isActive(f.state) || isUnfinished(f.state)) await this.sync(await this.load(f.id));
    this.timer = this.timers.setInterval(() => void this.tick(), this.o.tickMs ?? DEFAULT_TICK_MS);
  }

  async list(): Promise<AttemptSummary[]> {
    return this.requireIndex().attempts();
  }

  async start(envId: string, opts: StartOptions = {}): Promise<AttemptInfo> {
    const index = this.requireIndex();
    const env = await this.o.envs.load(envId, opts.variant);
    const preflight = await this.runPreflight(env);
    const { id, paths } = await this.makeFolder(env.spec.id);
    let file: AttemptFile;
    let clock: AttemptClock;
    try {
      await copyStarter(join(env.dir, env.spec.starter), paths.workspace);
      await writeFile(paths.scores, '', { flag: 'wx' });
      // The clock starts once the workspace is ready: copying a large starter is not the expert's time.
      clock = AttemptClock.started(this.o.clock, this.o.mode, clockPolicy({ pausePolicy: pausePolicyOf(env) }));
      file = newAttemptFile(id, env, clock, iso(this.o.clock.wallMs()), preflight);
      await this.store.writeState(file);
    } catch (e) {
      // Nothing was recorded yet: no half-made attempt is left behind.
      await this.store.discard(id).catch(() => undefined);
      throw e;
    }
    const live: Live = { file, clock, rows: [], stateQ: new SerialQueue(), scoreQ: new SerialQueue(), env: Promise.resolve(env) };
    this.lives.set(id, live);
    this.opening.set(id, Promise.resolve(live));
    await this.updateIndex(index, file);
    this.o.logger.info(`started attempt ${id}`, { envId, variant: env.variant });
    return this.changed(live);
  }

  async status(id: string): Promise<AttemptInfo> {
    const live = await this.load(id);
    await this.sync(live);
    return this.info(live);
  }

  async pause(id: string, reason: string): Promise<AttemptInfo> {
    const live = await this.load(id);
    await this.sync(live);
    await this.change(live, 'pause', (draft, clock) => {
      requireTransition(draft, 'paused', 'pause');
      if (!draft.pausePolicy.allowed) {
        throw new RedeskError('PAUSE_NOT_ALLOWED', `This environment does not allow pauses; the clock of ${id} keeps running.`, {
          hint: 'Keep working, or submit when you are done.',
        });
      }
      const max = draft.pausePolicy.maxTotalMs;
      if (max !== undefined && clock.pauseUsedMs() >= max) {
        throw new RedeskError('PAUSE_BUDGET_EXHAUSTED', `The pause budget of ${minutes(max)} is used up; the clock of ${id} keeps running.`, {
          hint: 'Keep working, or submit when you are done.',
        });
      }
      clock.pause();
      draft.pauses.push({ reason: reason.trim() || 'no reason given', startedAtMs: Math.round(clock.elapsedMs()), startedWall: iso(this.o.clock.wallMs()) });
      draft.state = 'paused';
    });
    return this.changed(live);
  }

  async resume(id: string): Promise<AttemptInfo> {
    const live = await this.load(id);
    await this.sync(live);
    await this.change(live, 'resume', (draft, clock) => {
      if (draft.state !== 'paused') throw badState(draft, 'resume');
      clock.resume();
      closePause(draft.pauses, clock, 'expert', this.o.clock.wallMs());
      draft.state = 'running';
    });
    return this.changed(live);
  }

  /** Runs the scorer on the workspace now; the row is on disk before this returns. Scorer failures are rows, not throws. */
  async score(id: string): Promise<ScoreRow> {
    const live = await this.load(id);
    await this.sync(live);
    if (!isActive(live.file.state) || !live.clock) throw badState(live.file, 'score');
    const elapsedMs = Math.min(live.clock.elapsedMs(), live.file.timeLimitMs);
    const row = await live.scoreQ.run(() => this.scoring.scoreAndLog(live, elapsedMs));
    this.changed(live);
    return visibleRow(live.file, row);
  }

  /** Submits the workspace as it stands, runs the final scoring and returns the scored attempt. */
  async submit(id: string): Promise<AttemptInfo> {
    const live = await this.load(id);
    await this.sync(live);
    await this.change(live, 'submit', (draft, clock) => {
      requireTransition(draft, 'submitted', 'submit');
      clock.stop(draft.timeLimitMs);
      closePause(draft.pauses, clock, 'submit', this.o.clock.wallMs());
      draft.state = 'submitted';
      draft.submittedAt = iso(this.o.clock.wallMs());
    });
    this.changed(live);
    return this.finalize(live);
  }

  /** The attempt's workspace; read-only once the attempt is no longer running or paused. */
  workspace(id: string): Workspace {
    const paths = this.store.paths(id);
    const live = this.lives.get(id);
    const readOnly = live && !isActive(live.file.state) ? `attempt ${id} is ${live.file.state}; its workspace is read-only.` : undefined;
    return new Workspace(paths.workspace, { logger: this.o.logger, ...(readOnly ? { readOnlyReason: readOnly } : {}) });
  }

  /** The heartbeat (held mode): folds each running clock into state.json, sends due warnings, expires attempts. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      for (const live of this.lives.values()) {
        if (!isActive(live.file.state)) continue;
        await this.sync(live, true).catch((e) => this.o.logger.warn(`heartbeat for ${live.file.id} failed: ${(e as Error).message}`));
      }
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Stops the heartbeat, interrupts scorer runs (no rows are logged for them) and writes a last heartbeat. */
  async dispose(): Promise<void> {
    if (this.timer !== undefined) this.timers.clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    this.abort.abort();
    for (const live of this.lives.values()) {
      await live.stateQ.run(() => this.syncNow(live, true)).catch((e) => this.o.logger.warn(`last heartbeat for ${live.file.id} failed: ${(e as Error).message}`));
      await live.scoreQ.idle();
    }
  }

  // ---- internals ----

  private requireIndex(): AppIndex {
    if (!this.index) throw new RedeskError('INTERNAL', 'AttemptService used before init()');
    return this.index;
  }

  private load(id: string): Promise<Live> {
    let p = this.opening.get(id);
    if (!p) {
      p = this.open(id);
      this.opening.set(id, p);
      p.catch(() => this.opening.delete(id));
    }
    return p;
  }

  private async open(id: string): Promise<Live> {
    const file = await this.store.readState(id);
    const rows = await this.store.readScores(id);
    const live: Live = { file, rows, stateQ: new SerialQueue(), scoreQ: new SerialQueue() };
    if (isActive(file.state)) {
      // This process takes the attempt over; how depends on who held it before (see AttemptClock.adopt).
      const clock = new AttemptClock(file.clock, this.o.clock, clockPolicy(file));
      const draft = structuredClone(file);
      const fold = clock.adopt(this.o.mode);
      this.applyFold(draft, clock, fold);
      draft.clock = clock.state;
      await this.store.writeState(draft);
      live.file = draft;
      live.clock = clock;
    }
    this.lives.set(id, live);
    return live;
  }

  /** Catches an attempt up with the clock (auto-resume, warnings, expiry) and resumes an interrupted final scoring. */
  private async sync(live: Live, heartbeat = false): Promise<void> {
    if (isActive(live.file.state)) await live.stateQ.run(() => this.syncNow(live, heartbeat));
    if (isUnfinished(live.file.state)) {
      const done = this.finalize(live);
      // A CLI command must not exit before the final score is logged; a resident host goes on meanwhile.
      if (this.o.mode === 'free') await done;
      else done.catch((e) => this.o.logger.warn(`final scoring of ${live.file.id} stopped: ${(e as Error).message}`));
    }
  }

  private async syncNow(live: Live, heartbeat: boolean): Promise<void> {
    if (!isActive(live.file.state) || !live.clock) return;
    const draft = structuredClone(live.file);
    const clock = new AttemptClock(live.clock.state, this.o.clock, clockPolicy(draft));
    const stateBefore = draft.state;
    let dirty = this.applyFold(draft, clock, clock.fold()) || heartbeat;
    const elapsed = clock.elapsedMs();
    const remaining = draft.timeLimitMs - elapsed;
    const due = WARNING_MINUTES.filter((m) => !draft.warningsSent.includes(m) && remaining <= m * 60_000);
    if (due.length) {
      draft.warningsSent.push(...due);
      dirty = true;
    }
    if (remaining <= 0) {
      clock.stop(draft.timeLimitMs);
      closePause(draft.pauses, clock, 'expiry', this.o.clock.wallMs());
      draft.state = 'expired';
      draft.submittedAt = iso(this.o.clock.wallMs());
      draft.expiredLateByMs = -remaining;
      dirty = true;
    }
    draft.clock = clock.state;
    if (dirty) await this.persist(draft);
    live.file = draft;
    live.clock = isActive(draft.state) ? clock : undefined;
    // Only the most urgent warning: after a long gap (free mode) "5 minutes left" is the one that matters.
    if (due.length && draft.state !== 'expired') this.o.emit('attempt.warning', { attemptId: draft.id, minutesLeft: Math.min(...due) });
    if (draft.state !== stateBefore) {
      this.o.logger.info(`attempt ${draft.id}: ${stateBefore} -> ${draft.state}`);
      this.changed(live);
    }
  }

  /** Records what a fold found: a recovery gap, or the pause budget running out (the attempt resumed by itself). */
  private applyFold(draft: AttemptFile, clock: AttemptClock, fold: FoldResult): boolean {
    let changed = false;
    if (fold.recovery) {
      draft.recoveries.push(fold.recovery);
      this.o.logger.warn(`attempt ${draft.id}: ${fold.recovery.gapWallMs} ms while no process held it (${fold.recovery.reason}) were not counted`);
      changed = true;
    }
    if (fold.autoResumed && draft.state === 'paused') {
      closePause(draft.pauses, clock, 'budget', fold.autoResumed.wallMs);
      draft.state = 'running';
      changed = true;
    }
    return changed;
  }

  /** A state change: applied to a copy, persisted, then made current; a failed save leaves memory as the disk is. */
  private async change(live: Live, verb: string, fn: (draft: AttemptFile, clock: AttemptClock) => void): Promise<void> {
    await live.stateQ.run(async () => {
      if (!live.clock) throw badState(live.file, verb);
      const draft = structuredClone(live.file);
      const clock = new AttemptClock(live.clock.state, this.o.clock, clockPolicy(draft));
      this.applyFold(draft, clock, clock.fold());
      fn(draft, clock);
      draft.clock = clock.state;
      await this.persist(draft);
      live.file = draft;
      live.clock = isActive(draft.state) ? clock : undefined;
    });
  }

  /** The final scoring of a submitted or expired attempt: one more scorer run, then the aggregate over the whole log. */
  private finalize(live: Live): Promise<AttemptInfo> {
    if (live.finalizing) return live.finalizing;
    const run = live.scoreQ.run(async () => {
      if (!isUnfinished(live.file.state)) return this.info(live);
      await this.scoring.scoreAndLog(live, Math.min(live.file.clock.accumulatedMs, live.file.timeLimitMs));
      await live.stateQ.run(async () => {
        const draft = structuredClone(live.file);
        requireTransition(draft, 'scored', 'score');
        draft.finalScore = finalScore(live.rows, draft.score);
        draft.normalizedScore = normalizeScore(draft.finalScore, draft.baseline?.start, draft.baseline?.reference);
        draft.state = 'scored';
        draft.scoredAt = iso(this.o.clock.wallMs());
        await this.persist(draft);
        live.file = draft;
      });
      return this.changed(live);
    });
    live.finalizing = run;
    run.then(
      () => (live.finalizing = undefined),
      () => (live.finalizing = undefined),
    );
    return run;
  }

  private async runPreflight(env: LoadedEnv): Promise<PreflightReport | undefined> {
    if (!this.o.preflight) return undefined;
    try {
      return await this.o.preflight(env);
    } catch (e) {
      this.o.logger.warn(`preflight for ${env.spec.id} failed: ${(e as Error).message}; starting without a report`);
      return undefined;
    }
  }

  private async makeFolder(envId: string): Promise<{ id: string; paths: AttemptPaths }> {
    for (let i = 0; ; i++) {
      const id = newAttemptId(envId, this.o.clock.wallMs());
      try {
        return { id, paths: await this.store.create(id) };
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST' || i >= 4) throw e;
      }
    }
  }

  private async persist(file: AttemptFile): Promise<void> {
    await this.store.writeState(file);
    if (this.index) await this.updateIndex(this.index, file);
  }

  /** The index is a cache of the folders: failing to update it is logged, never fatal (init reconciles it). */
  private async updateIndex(index: AppIndex, file: AttemptFile): Promise<void> {
    await index.upsertAttempt(this.store.summaryOf(file)).catch((e) => this.o.logger.warn(`could not update the app index: ${(e as Error).message}`));
  }

  private info(live: Live): AttemptInfo {
    return toInfo(live.file, live.rows, live.clock, this.store.paths(live.file.id), this.o.clock.wallMs());
  }

  private changed(live: Live): AttemptInfo {
    const info = this.info(live);
    this.o.emit('attempt.changed', info);
    return info;
  }
}

function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}
