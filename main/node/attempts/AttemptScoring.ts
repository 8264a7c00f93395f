import { randomBytes } from 'node:crypto';
import type { ScoreRow } from '../../common/attempt';
import type { Clock, Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { normalizeScore } from '../../common/scoreMath';
import type { EnvSource, LoadedEnv, Scorer } from '../contracts';
import { scoreResultData, type AppRecord } from './attemptRecords';
import type { AttemptStore } from './AttemptStore';
import type { AttemptFile } from './attemptState';
import { iso, type Live } from './liveAttempt';
import { runScorerSafely } from './runScorerSafely';

export interface AttemptScoringDeps {
  envs: EnvSource;
  scorer: Scorer;
  store: AttemptStore;
  clock: Clock;
  logger: Logger;
  /** Aborted when the service closes: runs in flight stop and log nothing. */
  signal: AbortSignal;
  /** Saves a changed state.json (the calibrated baseline). */
  persist: (file: AttemptFile) => Promise<void>;
  /** Writes records to the attempt's trajectory and makes them durable before resolving. */
  record: (live: Live, records: AppRecord[]) => Promise<void>;
}

/** One scorer run on an attempt's workspace, turned into a score-log row that is on disk before it is returned. */
export class AttemptScoring {
  constructor(private readonly d: AttemptScoringDeps) {}

  /**
   * Call inside live.scoreQ: row numbers follow the order of the log. The trajectory gets scorer.request before the
   * run and scorer.result (the row) after it, under one id; `final` marks the scoring that follows submit or expiry.
   */
  async scoreAndLog(live: Live, elapsedMs: number, final = false): Promise<ScoreRow> {
    const id = live.file.id;
    const n = live.rows.length + 1;
    // Random bits: a run cut short by a quit leaves a request without a result, and the next run has the same n.
    const requestId = `score-${n}-${randomBytes(3).toString('hex')}`;
    await this.d.record(live, [{ src: 'scorer', kind: 'scorer.request', t: elapsedMs, data: { id: requestId, n, ...(final ? { final: true } : {}) } }]);
    const env = await this.envFor(live).catch((e: unknown) =>
      e instanceof RedeskError ? e : new RedeskError('ENV_NOT_FOUND', String((e as Error)?.message ?? e)),
    );
    const result = await runScorerSafely({
      scorer: this.d.scorer,
      env,
      paths: this.d.store.paths(id),
      clock: this.d.clock,
      signal: this.d.signal,
      final,
      // The scorer is hashed again before every run: one edited since the start scores nothing (SCORER_TAMPERED).
      expectedScorerHash: live.file.scorerHash,
    });
    if (live.file.score.baseline === 'calibrated' && !live.file.baseline && result.baseline) {
      // The first calibration measured on this machine is the attempt's baseline from then on.
      const b = result.baseline;
      await live.stateQ.run(async () => {
        const draft = structuredClone(live.file);
        draft.baseline = { start: b.start, reference: b.reference, source: 'calibrated' };
        await this.d.persist(draft);
        live.file = draft;
      });
    }
    const baseline = live.file.baseline;
    const row: ScoreRow = {
      n,
      score: result.score,
      normalized: normalizeScore(result.score, baseline?.start, baseline?.reference),
      message: result.message,
      details: result.details ?? {},
      // Whole milliseconds: the monotonic clock has sub-millisecond digits no reader needs.
      elapsedMs: Math.round(elapsedMs),
      wall: iso(this.d.clock.wallMs()),
      durationMs: Math.round(result.durationMs),
      ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    };
    await this.d.store.appendScore(id, row);
    live.rows.push(row);
    await this.d.record(live, [{ src: 'scorer', kind: 'scorer.result', data: scoreResultData(requestId, row, final) }]);
    this.d.logger.info(`attempt ${id}: score #${row.n} = ${String(row.score)}`, { errorCode: row.errorCode });
    return row;
  }

  /** The env as loaded for this attempt, once; a failed load is retried next time. */
  private envFor(live: Live): Promise<LoadedEnv> {
    live.env ??= this.d.envs.load(live.file.envId, live.file.variant).then((env) => {
      if (env.scorerHash !== live.file.scorerHash) {
        this.d.logger.warn(`attempt ${live.file.id}: the scorer changed since the attempt started (hash ${live.file.scorerHash} -> ${env.scorerHash})`);
      }
      return env;
    });
    live.env.catch(() => (live.env = undefined));
    return live.env;
  }
}
