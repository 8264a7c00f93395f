import type { RunRecord } from './runs';
import { csvLines } from '../../common/csv';

const COLUMNS: [string, (r: RunRecord) => string | number | boolean | null | undefined][] = [
  ['env', (r) => r.envId],
  ['env_version', (r) => r.envVersion],
  ['variant', (r) => r.variant],
  ['attempt', (r) => r.attempt],
  ['group', (r) => r.group],
  ['agent', (r) => r.agent],
  ['agent_input_tokens', (r) => r.usage?.inputTokens],
  ['agent_output_tokens', (r) => r.usage?.outputTokens],
  ['agent_cost_usd', (r) => r.usage?.costUsd],
  ['expert_fingerprint', (r) => r.expert],
  ['signer', (r) => r.signer],
  ['ticket', (r) => r.ticketId],
  ['practice', (r) => r.practice],
  ['started_at', (r) => r.startedAt],
  ['submitted_at', (r) => r.submittedAt],
  ['elapsed_ms', (r) => Math.round(r.elapsedMs)],
  ['time_limit_ms', (r) => r.timeLimitMs],
  ['direction', (r) => r.direction],
  ['aggregate', (r) => r.aggregate],
  ['scores', (r) => r.scoreCount],
  ['valid_scores', (r) => r.validScores],
  ['final_score', (r) => r.final],
  ['normalized_score', (r) => r.normalized],
  ['manual_mean', (r) => r.manual?.mean],
  ['manual_scores', (r) => r.manual?.scores.map((x) => `${x.judge}=${x.value}`).join('; ')],
  ['invalidated_by', (r) => r.invalidated?.judge],
  ['invalidated_reason', (r) => r.invalidated?.reason],
  ['bundle', (r) => r.file],
];

/**
 * attempts.csv: one row per verified attempt, invalidated ones included with who invalidated them and why (RFC 4180
 * quoting; empty cells for absent values).
 */
export function attemptsCsv(runs: readonly RunRecord[]): string {
  return csvLines([COLUMNS.map(([h]) => h), ...runs.map((r) => COLUMNS.map(([, f]) => f(r)))]);
}
