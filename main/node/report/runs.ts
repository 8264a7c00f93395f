import type { ScorePoint } from '../../common/bundle/scoreLog';
import type { BundleVerdict } from '../bundle/verifyBundle';

export type Group = 'human' | 'agent';
export const GROUPS: readonly Group[] = ['human', 'agent'];

/** One verified attempt, as the report uses it. */
export interface RunRecord {
  file: string;
  attempt: string;
  envId: string;
  envVersion: string;
  envTitle: string;
  variant: string;
  group: Group;
  /** The agent's name and version, for agent runs. */
  agent?: string;
  /** Tokens and cost the agent reported (report_usage), summed over the attempt: for cost views. */
  usage?: { inputTokens: number; outputTokens: number; costUsd?: number };
  expert: string;
  signer?: string;
  ticketId: string | null;
  practice: boolean;
  startedAt?: string;
  submittedAt?: string;
  elapsedMs: number;
  timeLimitMs: number;
  direction: 'min' | 'max';
  aggregate: 'best' | 'last';
  final: number | null;
  normalized: number | null;
  scoreCount: number;
  validScores: number;
  points: ScorePoint[];
  /** sha256 of the manifest: what review records name. */
  bundleSha256?: string;
  /** Judges' manual scores (each judge's latest) and their mean, from review.jsonl. */
  manual?: { scores: { judge: string; fingerprint: string; value: number }[]; mean: number | null };
  /** Set when a judge invalidated the run (it is then left out of the statistics). */
  invalidated?: { judge: string; fingerprint: string; reason: string; t: string };
}

export interface ReportFailure {
  file: string;
  code: string;
  message: string;
}

export interface ReportDuplicate {
  ticketId: string;
  /** The bundle that counts: the attempt that started first. */
  kept: string;
  dropped: string[];
}

/** Splits verdicts into counted runs, failures, and reused tickets (flagged, counted once). */
export function collectRuns(verdicts: readonly BundleVerdict[]): { runs: RunRecord[]; failures: ReportFailure[]; duplicates: ReportDuplicate[] } {
  const runs: RunRecord[] = [];
  const failures: ReportFailure[] = [];
  const dropped = new Map<string, string[]>();
  for (const v of verdicts) {
    if (v.ok && v.manifest) runs.push(toRun(v));
    else if (v.code === 'TICKET_REUSED' && v.manifest?.ticket) dropped.set(v.manifest.ticket.id, [...(dropped.get(v.manifest.ticket.id) ?? []), v.file]);
    else failures.push({ file: v.file, code: v.code ?? 'INTERNAL', message: v.message });
  }
  const duplicates = [...dropped].map(([ticketId, files]) => ({ ticketId, kept: runs.find((r) => r.ticketId === ticketId)?.file ?? '', dropped: files }));
  runs.sort((a, b) => a.envId.localeCompare(b.envId) || a.file.localeCompare(b.file));
  return { runs, failures, duplicates };
}

function toRun(v: BundleVerdict): RunRecord {
  const m = v.manifest!;
  return {
    file: v.file,
    attempt: m.attempt.id,
    envId: m.env.id,
    envVersion: m.env.version,
    envTitle: m.env.title,
    variant: m.attempt.variant,
    group: m.agent ? 'agent' : 'human',
    ...(m.agent ? { agent: m.agent.version ? `${m.agent.name} ${m.agent.version}` : m.agent.name } : {}),
    ...usageOf(m.agent?.usage),
    expert: m.expert.fingerprint,
    ...(v.signer ? { signer: v.signer } : {}),
    ticketId: m.ticket?.id ?? null,
    practice: m.attempt.practice,
    ...(m.attempt.startedAt ? { startedAt: m.attempt.startedAt } : {}),
    ...(m.attempt.submittedAt ? { submittedAt: m.attempt.submittedAt } : {}),
    elapsedMs: m.attempt.elapsedMs,
    timeLimitMs: m.attempt.timeLimitMs,
    direction: m.score.direction,
    aggregate: m.score.aggregate,
    final: m.score.final,
    normalized: m.score.normalized,
    scoreCount: m.score.log.count,
    validScores: m.score.log.valid,
    points: v.scores ?? [],
    ...(v.manifestSha256 ? { bundleSha256: v.manifestSha256 } : {}),
  };
}

/** The manifest's agent.usage, when it has the shape report_usage sums to (signed, but written by the agent's host). */
function usageOf(u: unknown): { usage?: RunRecord['usage'] } {
  if (typeof u !== 'object' || u === null) return {};
  const { inputTokens, outputTokens, costUsd } = u as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!count(inputTokens) || !count(outputTokens)) return {};
  return { usage: { inputTokens: inputTokens as number, outputTokens: outputTokens as number, ...(count(costUsd) ? { costUsd: costUsd as number } : {}) } };
}
