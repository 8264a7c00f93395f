import { WARNING_MINUTES, type AgentInfo } from '../../common/attempt';
import { RedeskError } from '../../common/errors';
import { AgentSchema, type AttemptFile } from './attemptState';

type AgentFacts = NonNullable<AttemptFile['agent']>;

/** What an agent declares at start (name, model, version), checked: it ends up in manifests, reports and CSV cells. */
export function checkAgentInfo(input: unknown): AgentFacts {
  const r = AgentSchema.omit({ usage: true }).safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new RedeskError('BAD_REQUEST', `The agent's name, model and version must be short printable text (${issue?.path.join('.') || 'agent'}: ${issue?.message}).`, {
      hint: 'Pass --name and --model, e.g. --name my-agent --model some-model-2026.',
    });
  }
  return r.data;
}

const AGENT_KIND = /^agent\.[a-z0-9_]+(\.[a-z0-9_]+)*$/;

function count(v: unknown, what: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e12) {
    throw new RedeskError('BAD_REQUEST', `${what} must be a non-negative number, got ${JSON.stringify(v)}.`);
  }
  return v;
}

/**
 * Checks a record an agent's MCP server asks to write: kind `agent.*`, data a plain object. An `agent.usage` record
 * also gives the usage to add to the attempt's totals (for cost views), returned as the new agent facts.
 */
export function checkAgentRecord(agent: AgentFacts | undefined, kind: unknown, data: unknown): { kind: string; data: Record<string, unknown>; agent?: AgentFacts } {
  if (typeof kind !== 'string' || !AGENT_KIND.test(kind)) throw new RedeskError('BAD_REQUEST', `An agent record's kind must be agent.<name>, got ${JSON.stringify(kind)}.`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RedeskError('BAD_REQUEST', `The data of ${kind} must be an object.`);
  const d = data as Record<string, unknown>;
  if (kind !== 'agent.usage') return { kind, data: d };
  if (!agent) throw new RedeskError('BAD_REQUEST', 'Usage can be reported only for an agent attempt (one started by `redesk agent run`).');
  const input = count(d.inputTokens, 'inputTokens');
  const output = count(d.outputTokens, 'outputTokens');
  const cost = d.costUsd === undefined ? undefined : count(d.costUsd, 'costUsd');
  const prev = agent.usage ?? { inputTokens: 0, outputTokens: 0, reports: 0 };
  const costUsd = cost === undefined ? prev.costUsd : (prev.costUsd ?? 0) + cost;
  const usage = { inputTokens: prev.inputTokens + input, outputTokens: prev.outputTokens + output, ...(costUsd !== undefined ? { costUsd } : {}), reports: prev.reports + 1 };
  return { kind, data: d, agent: { ...agent, usage } };
}

/** The manifest's `agent` object: name, version, model and summed usage. */
export function manifestAgent(agent: AgentInfo | undefined): ({ name: string; version?: string } & Record<string, unknown>) | undefined {
  if (!agent) return undefined;
  return structuredClone(agent) as { name: string; version?: string } & Record<string, unknown>;
}

/** Applies a shorter time limit asked at start (an agent run's budget); a longer one than the env's is refused. */
export function shortenTimeLimit(file: AttemptFile, minutes: number): void {
  const ms = Math.round(minutes * 60_000);
  if (!(ms > 0)) throw new RedeskError('BAD_REQUEST', `The time limit must be a positive number of minutes, got ${minutes}.`);
  if (ms > file.timeLimitMs) {
    throw new RedeskError('BAD_REQUEST', `A time limit of ${minutes} min is longer than this attempt's ${file.timeLimitMs / 60_000} min; it can only be shortened.`);
  }
  file.timeLimitMs = ms;
  file.warningsSent = WARNING_MINUTES.filter((m) => m * 60_000 >= ms);
}
