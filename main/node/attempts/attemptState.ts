import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PauseRecordSchema } from '../../common/pauseSchema';
import { AttemptStates } from '../../common/attempt';

/**
 * state.json: the facts of one attempt, its state, clock, pauses and baseline. Written atomically on every change
 * (and by the heartbeat). The score log is a separate file (scores.jsonl) and survives this one.
 */
export const STATE_VERSION = 1;

const ClockStateSchema = z.object({
  accumulatedMs: z.number().nonnegative(),
  pauseUsedMs: z.number().nonnegative(),
  running: z.boolean(),
  paused: z.boolean(),
  anchorMonoMs: z.number(),
  bootId: z.string(),
  mode: z.enum(['held', 'free']),
  heartbeatWallMs: z.number(),
});

const AgentUsageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative().optional(),
  reports: z.number().int().nonnegative(),
});

/** An agent's declared identity: short printable names (they end up in reports and CSV cells). */
// eslint-disable-next-line no-control-regex
const agentName = z.string().trim().min(1).max(100).regex(/^[^\x00-\x1f\x7f]+$/, 'no control characters');
export const AgentSchema = z.object({
  name: agentName,
  model: agentName.optional(),
  version: agentName.optional(),
  usage: AgentUsageSchema.optional(),
});

const BaselineSchema = z.object({ start: z.number(), reference: z.number(), source: z.enum(['fixed', 'calibrated']) });

export const AttemptFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  id: z.string(),
  envId: z.string(),
  envVersion: z.string(),
  envTitle: z.string(),
  variant: z.string(),
  practice: z.boolean(),
  state: z.enum(AttemptStates),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  submittedAt: z.string().optional(),
  scoredAt: z.string().optional(),
  /**
   * How far past the limit the clock was when expiry was noticed: under a heartbeat with a resident host, possibly
   * long in free mode (no process runs between CLI calls), where the workspace may hold work done after the limit.
   */
  expiredLateByMs: z.number().nonnegative().optional(),
  /** The env's rules, copied at start so an edited env.json cannot change a running attempt. */
  timeLimitMs: z.number().positive(),
  pausePolicy: z.object({ allowed: z.boolean(), maxTotalMs: z.number().nonnegative().optional() }),
  score: z.object({
    direction: z.enum(['min', 'max']),
    aggregate: z.enum(['best', 'last']),
    baseline: z.enum(['fixed', 'calibrated']),
    visibleToExpert: z.boolean(),
  }),
  baseline: BaselineSchema.optional(),
  envHash: z.string(),
  scorerHash: z.string(),
  clock: ClockStateSchema,
  pauses: z.array(PauseRecordSchema),
  /** Warning thresholds (minutes) already sent or already past at start; a restart does not repeat them. */
  warningsSent: z.array(z.number()),
  recoveries: z.array(
    z.object({ gapWallMs: z.number(), atElapsedMs: z.number(), wall: z.string(), reason: z.enum(['holder-died', 'reboot']) }),
  ),
  finalScore: z.number().nullable(),
  normalizedScore: z.number().nullable(),
  preflight: z.unknown().optional(),
  /**
   * Names of the secrets the env declared at start: their values are read from the host's environment whenever a
   * process takes the attempt up (never stored), handed to its terminals and kept out of its trajectory.
   */
  secretNames: z.array(z.string()).optional(),
  /** The organizer's ticket id, when the attempt runs under one (ticket.json beside state.json). */
  ticketId: z.string().optional(),
  /** The signed bundle made at the end. */
  bundle: z.object({ file: z.string() }).optional(),
  /** Set for an attempt made by an AI agent: what it declared at start, and the token usage it reported. */
  agent: AgentSchema.optional(),
});

export type AttemptFile = z.infer<typeof AttemptFileSchema>;

/** Attempt ids are folder names: `<envId>-<UTC yyyymmddThhmmss>-<4 hex>`, e.g. prefix_sum_mini-20261130T010203-a1b2. */
export const ATTEMPT_ID_RE = /^[a-z][a-z0-9_]{0,63}-\d{8}T\d{6}-[0-9a-f]{4}$/;

export function newAttemptId(envId: string, wallMs: number): string {
  const t = new Date(wallMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${envId}-${t}-${randomBytes(2).toString('hex')}`;
}
