import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogStatus, StartOptions } from '../../common/api';
import { isActive, type AttemptInfo, type AttemptSummary, type PreflightReport, type ScoreRow } from '../../common/attempt';
import { RedeskError } from '../../common/errors';
import type { EventRecord, EventSrc } from '../../common/events/record';
import { finalScore, normalizeScore } from '../../common/scoreMath';
import type { LoadedEnv } from '../contracts';
import { AppIndex } from '../store/AppIndex';
import { assertRequirementsMet } from '../envs/requirements';
import { copyStarter } from '../workspace/copyStarter';
import { Workspace } from '../workspace/Workspace';
import { AttemptClock } from './AttemptClock';
import { scoresVisible, toInfo, visibleRow } from './attemptInfo';
import { checkClientEvents } from './clientEvents';
import type { AttemptLog } from './AttemptLog';
import { startRecord, transitionRecords } from './attemptRecords';
import { AttemptRecorder } from './AttemptRecorder';
import { AttemptScoring } from './AttemptScoring';
import { newAttemptId, type AttemptFile } from './attemptState';
import { AttemptStore, type AttemptPaths } from './AttemptStore';
import { badState, clockPolicy, iso, isUnfinished, requireTransition, type Live } from './liveAttempt';
import { newAttemptFile, withStartFacts, pausePolicyOf } from './newAttemptFile';
import { closePause } from './pauseRecords';
import { hiddenScoreRecord, secretValues } from './trajectoryHelpers';
import { SerialQueue } from './SerialQueue';
import { applyDeadline, applyFold } from './clockRules';
import { LiveLogs } from './LiveLogs';
import { DEFAULT_TICK_MS, defaultTimers, type AttemptServiceOptions, type Timers } from './attemptServiceOptions';

export type { AttemptServiceOptions, Timers } from './attemptServiceOptions';
import { sealLive } from './attemptSealing';
import { checkAgentInfo, checkAgentRecord } from './agentFacts';
import { installTicket, validateTicketForStart, type TicketForStart } from '../tickets/ticketForStart';

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
  /** Each attempt's trajectory (events/ in its folder), open while this process works on the attempt. */
  readonly recorder: AttemptRecorder;
  private readonly logs: LiveLogs;

  constructor(private readonly o: AttemptServiceOptions) {
    this.store = new AttemptStore(o.dataDir, o.logger, o.appendOpts);
    this.timers = o.timers ?? defaultTimers;
    this.recorder = new AttemptRecorder({ dataDir: o.dataDir, clock: o.clock, logger: o.logger, emit: o.emit, ...o.recorder });
    this.logs = new LiveLogs({ recorder: this.recorder, dirOf: (id) => this.store.paths(id).dir, timeOf: (id) => this.timeOf(id), hostEnv: () => this.hostEnv });
    this.scoring = new AttemptScoring({
      envs: o.envs,
      scorer: o.scorer,
      store: this.store,
      clock: o.clock,
      logger: o.logger,
      signal: this.abort.signal,
      persist: (f) => this.persist(f),
      record: (live, records) => this.logs.write(live, records, true),
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
    const agent = opts.agent === undefined ? undefined : checkAgentInfo(opts.agent);
    // With a preflight, assets are its checks (every missing one listed) rather than the load's first error.
    const env = await this.o.envs.load(envId, opts.variant, this.o.preflight ? { assets: 'none' } : undefined);
    // A ticket is checked in full (signature, window, env hash, expert key, not used before) before anything is made.
    const ticket: TicketForStart | undefined = opts.ticket
      ? await validateTicketForStart({
          ticketPath: opts.ticket,
          env,
          expertKey: (await this.recorder.expertKey()).publicKey,
          now: new Date(this.o.clock.wallMs()),
          attemptsDir: this.store.attemptsDir,
        })
      : undefined;
    const preflight = await this.runPreflight(env);
    assertRequirementsMet(preflight, env.variant, opts.force);
    const { id, paths } = await this.makeFolder(env.spec.id);
    const secretNames = env.spec.secrets.map((x) => x.name);
    let file: AttemptFile;
    let clock: AttemptClock;
    let log: AttemptLog | undefined;
    try {
      await copyStarter(join(env.dir, env.spec.starter), paths.workspace);
      await this.o.scorer.prepare?.({ env, workspaceDir: paths.workspace, cacheDir: paths.cache, signal: this.abort.signal });
      await writeFile(paths.scores, '', { flag: 'wx' });
      // An attempt is only worth what its record proves: no log, no attempt.
      log = await this.recorder.open(id, { attemptDir: paths.dir, now: () => this.timeOf(id), secrets: secretValues(secretNames, this.hostEnv) }, true);
      // The clock starts once the workspace is ready: copying a large starter is not the expert's time.
      clock = AttemptClock.started(this.o.clock, this.o.mode, clockPolicy({ pausePolicy: pausePolicyOf(env) }));
      if (ticket) await installTicket(paths.dir, ticket);
      file = withStartFacts(newAttemptFile(id, env, clock, iso(this.o.clock.wallMs()), preflight), {
        secretNames,
        ...(agent ? { agent } : {}),
        ...(ticket ? { ticket: { id: ticket.ticket.id, timeLimitMs: ticket.timeLimitMs } } : {}),
        ...(opts.timeLimitMinutes !== undefined ? { timeLimitMinutes: opts.timeLimitMinutes } : {}),
      });
      await this.store.writeState(file);
    } catch (e) {
      // Nothing was recorded yet: no half-made attempt is left behind.
      await this.recorder.close(id).catch(() => undefined);
      await this.store.discard(id).catch(() => undefined);
      throw e;
    }
    const live: Live = { file, clock, rows: [], stateQ: new SerialQueue(), scoreQ: new SerialQueue(), env: Promise.resolve(env) };
    this.lives.set(id, live);
    this.opening.set(id, Promise.resolve(live));
    const missing = secretNames.filter((n) => !this.hostEnv[n]);
    if (missing.length) this.o.logger.warn(`attempt ${id}: the environment hands out ${missing.join(', ')}, but this machine does not set them`);
    const started = startRecord(file, this.o.appVersion ?? '0.0.0', secretNames.map((name) => ({ name, present: !missing.includes(name) })));
    log!.append(started.src, started.kind, started.data, 0);
    await log!.flush();
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

  /** Records the renderer made (editor, focus, pastes, idle, notes), stamped with attempt time now. */
  async recordEvents(id: string, events: unknown): Promise<LogStatus> {
    const live = await this.load(id);
    await this.sync(live);
    if (!isActive(live.file.state)) throw badState(live.file, 'record events for');
    const checked = checkClientEvents(events);
    const log = await this.logs.logFor(live);
    if (!log) {
      for (let i = 0; i < checked.length; i++) this.recorder.dropped(id);
      return this.recorder.status(id, this.store.paths(id).dir);
    }
    const t = this.timeOf(id);
    for (const e of checked) log.append(e.src, e.kind, e.data, t);
    return log.status();
  }

  /** A record an agent's MCP server makes (src agent): tool calls, results, usage (summed into the agent's facts). */
  async recordAgent(id: string, kind: string, data: Record<string, unknown>): Promise<EventRecord | undefined> {
    const live = await this.load(id);
    await this.sync(live);
    if (!isActive(live.file.state)) throw badState(live.file, 'record agent events for');
    const checked = checkAgentRecord(live.file.agent, kind, data);
    if (checked.agent) await this.change(live, 'record usage for', (draft) => void (draft.agent = checked.agent));
    return this.record(id, 'agent', checked.kind, checked.data);
  }

  async logStatus(id: string): Promise<LogStatus> {
    await this.load(id);
    return this.recorder.status(id, this.store.paths(id).dir);
  }

  /** The newest records for the live panel; score values stay hidden where the environment hides them. */
  async logTail(id: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<EventRecord[]> {
    const live = await this.load(id);
    const afterSeq = Number.isFinite(opts.afterSeq) ? Math.floor(opts.afterSeq!) : -1;
    const limit = Number.isFinite(opts.limit) ? opts.limit : undefined;
    const records = await this.recorder.tail(id, this.store.paths(id).dir, afterSeq, limit);
    return scoresVisible(live.file) ? records : records.map(hiddenScoreRecord);
  }

  /**
   * A record the host makes while it holds the attempt (terminal bytes, file changes, OS samples), stamped with
   * attempt time now or `t`. Synchronous and cheap: it runs on every pty output batch. Dropped (and counted) when no
   * log is open for the attempt.
   */
  record(id: string, src: EventSrc, kind: string, data: Record<string, unknown>, t?: number): EventRecord | undefined {
    const log = this.recorder.get(id);
    if (!log || log.closed) {
      this.recorder.dropped(id);
      return undefined;
    }
    return log.append(src, kind, data as never, t ?? this.timeOf(id));
  }

  /** Attempt time now for an attempt this process holds (0 when it holds none). */
  timeOf(id: string): number {
    const live = this.lives.get(id);
    if (!live) return 0;
    return Math.round(live.clock?.elapsedMs() ?? live.file.clock.accumulatedMs);
  }

  /** The env's secrets for the attempt's terminals: name to value, from the host's environment. */
  secretEnv(id: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.lives.get(id)?.file.secretNames ?? []) {
      const v = this.hostEnv[name];
      if (v) out[name] = v;
    }
    return out;
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
    await this.recorder.closeAll();
  }

  // ---- internals ----

  private get hostEnv(): Record<string, string | undefined> {
    return this.o.hostEnv ?? process.env;
  }

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
    const live: Live = { file, rows, stateQ: new SerialQueue(), scoreQ: new SerialQueue(), lastAliveWallMs: file.clock.heartbeatWallMs };
    // A resident host keeps the log open while it holds the attempt; one-shot commands open it when they record.
    const holdLog = this.o.mode === 'held' && (isActive(file.state) || isUnfinished(file.state));
    if (isActive(file.state)) {
      // This process takes the attempt over; how depends on who held it before (see AttemptClock.adopt).
      const clock = new AttemptClock(file.clock, this.o.clock, clockPolicy(file));
      const draft = structuredClone(file);
      const fold = clock.adopt(this.o.mode);
      applyFold(draft, clock, fold, this.o.logger);
      if (holdLog) {
        const log = await this.recorder.open(id, this.logs.options(live, clock.elapsedMs()));
        // Records up to the log's last t were stamped by the clock before a kill its last heartbeat did not see.
        if (log) clock.catchUp(log.lastT);
      }
      draft.clock = clock.state;
      await this.store.writeState(draft);
      live.file = draft;
      live.clock = clock;
    } else if (holdLog) {
      await this.recorder.open(id, this.logs.options(live, file.clock.accumulatedMs));
    }
    this.lives.set(id, live);
    await this.logs.write(live, transitionRecords(file, live.file), true);
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
    const folded = applyFold(draft, clock, clock.fold(), this.o.logger);
    const { changed, due } = applyDeadline(draft, clock, this.o.clock.wallMs());
    const dirty = folded || changed || heartbeat;
    draft.clock = clock.state;
    if (dirty) await this.persist(draft);
    const before = live.file;
    live.file = draft;
    live.clock = isActive(draft.state) ? clock : undefined;
    await this.logs.write(live, transitionRecords(before, draft), true);
    // Only the most urgent warning: after a long gap (free mode) "5 minutes left" is the one that matters.
    if (due.length && draft.state !== 'expired') this.o.emit('attempt.warning', { attemptId: draft.id, minutesLeft: Math.min(...due) });
    if (draft.state !== stateBefore) {
      this.o.logger.info(`attempt ${draft.id}: ${stateBefore} -> ${draft.state}`);
      this.changed(live);
    }
  }

  /** A state change: applied to a copy, persisted, then made current; a failed save leaves memory as the disk is. */
  private async change(live: Live, verb: string, fn: (draft: AttemptFile, clock: AttemptClock) => void): Promise<void> {
    await live.stateQ.run(async () => {
      if (!live.clock) throw badState(live.file, verb);
      const draft = structuredClone(live.file);
      const clock = new AttemptClock(live.clock.state, this.o.clock, clockPolicy(draft));
      applyFold(draft, clock, clock.fold(), this.o.logger);
      fn(draft, clock);
      draft.clock = clock.state;
      await this.persist(draft);
      const before = live.file;
      live.file = draft;
      live.clock = isActive(draft.state) ? clock : undefined;
      await this.logs.write(live, transitionRecords(before, draft), true);
    });
  }

  /** The final scoring of a submitted or expired attempt: one more scorer run, then the aggregate over the whole log. */
  private finalize(live: Live): Promise<AttemptInfo> {
    if (live.finalizing) return live.finalizing;
    const run = live.scoreQ.run(async () => {
      if (!isUnfinished(live.file.state)) return this.info(live);
      await this.o.beforeFinalize?.(live.file.id).catch((e: unknown) => this.o.logger.warn(`attempt ${live.file.id}: ${(e as Error).message}`));
      await this.scoring.scoreAndLog(live, Math.min(live.file.clock.accumulatedMs, live.file.timeLimitMs), true);
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
      // The trajectory is complete; the seal (the bundle) names its last record.
      await this.recorder.close(live.file.id);
      if (this.o.seal !== false) {
        await sealLive(live, this.store.paths(live.file.id).dir, {
          expertKey: () => this.recorder.expertKey(),
          appVersion: this.o.appVersion ?? '0.0.0',
          logger: this.o.logger,
          persist: (f) => this.persist(f),
        });
      }
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
