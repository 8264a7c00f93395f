import { isActive, type AttemptInfo, type PreflightReport, type ScoreRow } from '../../common/attempt';
import type { AttemptClock } from './AttemptClock';
import type { AttemptPaths } from './AttemptStore';
import type { AttemptFile } from './attemptState';

export const HIDDEN_MESSAGE = 'hidden by the environment';

/** Whether score values may be shown now: always where the env allows, and to everyone once the attempt is scored. */
export function scoresVisible(file: AttemptFile): boolean {
  return file.score.visibleToExpert || file.state === 'scored' || file.state === 'sealed';
}

/** A row as the expert may see it: values hidden where the environment hides them (a failure still shows). */
export function visibleRow(file: AttemptFile, row: ScoreRow): ScoreRow {
  if (scoresVisible(file)) return row;
  return { ...row, score: null, normalized: null, details: {}, message: row.errorCode ? row.message : HIDDEN_MESSAGE };
}

/** AttemptInfo as of now: live elapsed and remaining time from the clock while the attempt is active. */
export function toInfo(file: AttemptFile, rows: ScoreRow[], clock: AttemptClock | undefined, paths: AttemptPaths, wallMs: number): AttemptInfo {
  const active = isActive(file.state) && clock !== undefined;
  const elapsedMs = Math.round(Math.min(active ? clock.elapsedMs() : file.clock.accumulatedMs, file.timeLimitMs));
  const info: AttemptInfo = {
    id: file.id,
    envId: file.envId,
    envVersion: file.envVersion,
    envTitle: file.envTitle,
    variant: file.variant,
    state: file.state,
    practice: file.practice,
    dir: paths.dir,
    workspace: paths.workspace,
    createdAt: file.createdAt,
    timeLimitMs: file.timeLimitMs,
    elapsedMs,
    remainingMs: Math.max(0, file.timeLimitMs - elapsedMs),
    clockRunning: active && clock.running,
    asOfWall: new Date(wallMs).toISOString(),
    pause: {
      allowed: file.pausePolicy.allowed,
      ...(file.pausePolicy.maxTotalMs !== undefined ? { maxTotalMs: file.pausePolicy.maxTotalMs } : {}),
      usedMs: Math.round(active ? clock.pauseUsedMs() : file.clock.pauseUsedMs),
    },
    pauses: file.pauses.map((p) => ({ ...p })),
    scoreDirection: file.score.direction,
    scoreAggregate: file.score.aggregate,
    scoreVisible: scoresVisible(file),
    scores: rows.map((r) => visibleRow(file, r)),
    finalScore: file.finalScore,
    normalizedScore: file.normalizedScore,
    envHash: file.envHash,
    scorerHash: file.scorerHash,
  };
  if (file.startedAt) info.startedAt = file.startedAt;
  if (file.submittedAt) info.submittedAt = file.submittedAt;
  if (file.baseline) info.baseline = { ...file.baseline };
  if (file.preflight) info.preflight = file.preflight as PreflightReport;
  if (file.ticketId) info.ticketId = file.ticketId;
  if (file.bundle) info.bundle = { ...file.bundle };
  if (file.agent) info.agent = structuredClone(file.agent);
  return info;
}
