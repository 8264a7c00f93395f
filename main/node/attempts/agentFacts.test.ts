import { describe, expect, it } from 'vitest';
import type { AttemptFile } from './attemptState';
import { checkAgentInfo, checkAgentRecord, shortenTimeLimit } from './agentFacts';

describe('agent facts', () => {
  it('takes a short printable name and model, and refuses anything else with BAD_REQUEST', () => {
    expect(checkAgentInfo({ name: ' my-agent ', model: 'm-1' })).toEqual({ name: 'my-agent', model: 'm-1' });
    for (const bad of [{}, { name: '' }, { name: 'a\nb' }, { name: 'x'.repeat(101) }, { name: 'a', model: 3 }]) {
      expect(() => checkAgentInfo(bad)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('sums reported usage, and checks the kind and the numbers', () => {
    const first = checkAgentRecord({ name: 'a' }, 'agent.usage', { inputTokens: 10, outputTokens: 2 }).agent!;
    expect(first.usage).toEqual({ inputTokens: 10, outputTokens: 2, reports: 1 });
    const second = checkAgentRecord(first, 'agent.usage', { inputTokens: 5, outputTokens: 1, costUsd: 0.25 }).agent!;
    expect(second.usage).toEqual({ inputTokens: 15, outputTokens: 3, costUsd: 0.25, reports: 2 });
    expect(checkAgentRecord(undefined, 'agent.call', { tool: 'bash' }).agent).toBeUndefined();
    expect(() => checkAgentRecord({ name: 'a' }, 'agent.usage', { inputTokens: -1 })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => checkAgentRecord(undefined, 'agent.usage', { inputTokens: 1 })).toThrow(/only for an agent attempt/);
    expect(() => checkAgentRecord({ name: 'a' }, 'pty.output', {})).toThrow(/agent\.<name>/);
    expect(() => checkAgentRecord({ name: 'a' }, 'agent.call', [])).toThrow(/must be an object/);
  });

  it('shortens a time limit (and drops warnings already past), never lengthens it', () => {
    const file = { timeLimitMs: 3_600_000, warningsSent: [] } as unknown as AttemptFile;
    shortenTimeLimit(file, 10);
    expect(file.timeLimitMs).toBe(600_000);
    expect(file.warningsSent).toEqual([30]);
    expect(() => shortenTimeLimit(file, 11)).toThrow(/can only be shortened/);
    expect(() => shortenTimeLimit(file, 0)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
