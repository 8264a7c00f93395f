import type { PreflightReport, ScoreRow } from '../../common/attempt';
import type { EventSrc } from '../../common/events/record';
import type { AttemptFile } from './attemptState';

/** A record the attempt service writes, before the log stamps it. */
export interface AppRecord {
  src: EventSrc;
  kind: string;
  data: Record<string, unknown>;
  /** Attempt time of the event; now when absent. */
  t?: number;
}

/** app.start: what the attempt runs (env, scorer, app, variant) and on what (the preflight's verdict). */
export function startRecord(file: AttemptFile, appVersion: string, secrets: { name: string; present: boolean }[]): AppRecord {
  const pf = file.preflight as PreflightReport | undefined;
  return {
    src: 'app',
    kind: 'app.start',
    t: 0,
    data: {
      attemptId: file.id,
      envId: file.envId,
      envVersion: file.envVersion,
      envHash: file.envHash,
      scorerHash: file.scorerHash,
      variant: file.variant,
      appVersion,
      timeLimitMs: file.timeLimitMs,
      pausePolicy: file.pausePolicy,
      preflight: pf ? { ready: pf.ready, failed: pf.checks.filter((c) => !c.ok).map((c) => c.name), machine: pf.machine } : null,
      secrets,
    },
  };
}

/**
 * The records a state change makes, found by comparing state.json before and after it: pauses that ended
 * (app.resume, with who ended them: the expert, the pause budget, submit or expiry), a pause that began
 * (app.pause), and submit or expiry. One comparison covers every path a change can take (a call, the heartbeat, an
 * adoption after a crash).
 */
export function transitionRecords(before: AttemptFile, after: AttemptFile): AppRecord[] {
  const out: AppRecord[] = [];
  after.pauses.forEach((p, i) => {
    const was = before.pauses[i];
    if (p.endedBy !== undefined && was?.endedBy === undefined && was !== undefined) {
      out.push({ src: 'app', kind: 'app.resume', t: p.endedAtMs ?? p.startedAtMs, data: { reason: p.reason, endedBy: p.endedBy, pauseMs: p.durationMs ?? 0 } });
    }
  });
  for (const p of after.pauses.slice(before.pauses.length)) {
    out.push({ src: 'app', kind: 'app.pause', t: p.startedAtMs, data: { reason: p.reason } });
    if (p.endedBy !== undefined) out.push({ src: 'app', kind: 'app.resume', t: p.endedAtMs ?? p.startedAtMs, data: { reason: p.reason, endedBy: p.endedBy, pauseMs: p.durationMs ?? 0 } });
  }
  const t = after.clock.accumulatedMs;
  if (before.state !== after.state) {
    if (after.state === 'submitted') out.push({ src: 'app', kind: 'app.submit', t, data: { reason: 'expert' } });
    if (after.state === 'expired') out.push({ src: 'app', kind: 'app.expired', t, data: { timeLimitMs: after.timeLimitMs, lateByMs: after.expiredLateByMs ?? 0 } });
  }
  return out;
}

/** scorer.result: the score-log row, under the request's id. */
export function scoreResultData(id: string, row: ScoreRow, final: boolean): Record<string, unknown> {
  return {
    id,
    n: row.n,
    score: row.score,
    normalized: row.normalized,
    message: row.message,
    details: row.details,
    elapsedMs: row.elapsedMs,
    durationMs: row.durationMs,
    ...(row.errorCode ? { errorCode: row.errorCode } : {}),
    ...(final ? { final: true } : {}),
  };
}
