import { WARNING_MINUTES, type PreflightReport } from '../../common/attempt';
import type { LoadedEnv } from '../contracts';
import type { AttemptClock } from './AttemptClock';
import { STATE_VERSION, type AttemptFile } from './attemptState';
import type { AgentInfo } from '../../common/attempt';
import { shortenTimeLimit } from './agentFacts';

/** The pause policy of an env in milliseconds, as state.json keeps it. */
export function pausePolicyOf(env: LoadedEnv): AttemptFile['pausePolicy'] {
  const p = env.spec.pause;
  return { allowed: p.allowed, ...(p.maxTotalMinutes !== undefined ? { maxTotalMs: p.maxTotalMinutes * 60_000 } : {}) };
}

/**
 * A new attempt's state.json, running from now. The env's rules (time limit, pause policy, score spec, fixed
 * baseline) are copied in, so an env.json edited later cannot change an attempt under way.
 */
export function newAttemptFile(id: string, env: LoadedEnv, clock: AttemptClock, nowIso: string, preflight?: PreflightReport): AttemptFile {
  const spec = env.spec;
  const timeLimitMs = spec.timeLimitMinutes * 60_000;
  const file: AttemptFile = {
    version: STATE_VERSION,
    id,
    envId: spec.id,
    envVersion: spec.version,
    envTitle: spec.title,
    variant: env.variant,
    practice: true,
    state: 'running',
    createdAt: nowIso,
    startedAt: nowIso,
    timeLimitMs,
    pausePolicy: pausePolicyOf(env),
    score: { direction: spec.score.direction, aggregate: spec.score.aggregate, baseline: spec.score.baseline, visibleToExpert: spec.scorer.visibleToExpert },
    envHash: env.envHash,
    scorerHash: env.scorerHash,
    clock: clock.state,
    pauses: [],
    // Thresholds already behind us at start (a 20-minute env has no 30-minute warning) are never sent.
    warningsSent: WARNING_MINUTES.filter((m) => m * 60_000 >= timeLimitMs),
    recoveries: [],
    finalScore: null,
    normalizedScore: null,
  };
  if (spec.score.baseline === 'fixed' && spec.score.start !== undefined && spec.score.reference !== undefined) {
    file.baseline = { start: spec.score.start, reference: spec.score.reference, source: 'fixed' };
  }
  if (preflight) file.preflight = preflight;
  return file;
}

/** What the start's options add to a new attempt: secret names, the agent, the ticket (id, time limit), a shorter limit. */
export function withStartFacts(
  file: AttemptFile,
  f: { secretNames: string[]; agent?: AgentInfo; ticket?: { id: string; timeLimitMs?: number | undefined }; timeLimitMinutes?: number },
): AttemptFile {
  if (f.secretNames.length) file.secretNames = f.secretNames;
  if (f.agent) file.agent = f.agent;
  if (f.ticket) {
    file.practice = false;
    file.ticketId = f.ticket.id;
    if (f.ticket.timeLimitMs !== undefined) file.timeLimitMs = f.ticket.timeLimitMs;
  }
  if (f.timeLimitMinutes !== undefined) shortenTimeLimit(file, f.timeLimitMinutes);
  return file;
}
