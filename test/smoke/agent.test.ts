/**
 * An agent in the expert's seat, end to end with the built CLI: `redesk agent run` starts an agent attempt of
 * prefix_sum_mini and runs a scripted agent built on the MCP SDK's Client over its stdio. The agent reads the
 * instructions, writes a vectorised solution, checks it in the terminal, scores and submits; the bundle verifies,
 * names the agent, scores near the reference, carries the agent's terminal as a cast, and `aggregate` puts it in
 * the agent group.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../main/common/events/record';
import { LogReader } from '../../main/node/recorder/LogReader';
import { ensureBuilt, fixtures, readManifest, redesk, signersFor } from '../fixtures/agents/kit';

beforeAll(() => ensureBuilt(), 120_000);

describe('redesk agent run', () => {
  it('a scripted agent solves prefix_sum_mini; its bundle verifies and counts in the agent group', async () => {
    const work = mkdtempSync(join(tmpdir(), 'redesk-agent-smoke-'));
    const dataDir = join(work, 'data');
    const r = await redesk(['agent', 'run', 'prefix_sum_mini', '--data-dir', dataDir, '--name', 'scripted-solver', '--model', 'none-1', '--json', '--', process.execPath, join(fixtures, 'solver.mjs')]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      reason: string;
      problems: string[];
      agentExit: { code: number | null };
      attempt: { id: string; dir: string; state: string; normalizedScore: number; scores: unknown[]; bundle: { file: string }; agent: Record<string, unknown> };
    };
    expect(out.reason).toBe('submitted');
    expect(out.agentExit.code).toBe(0);
    expect(out.problems).toEqual([]);
    const a = out.attempt;
    expect(a.state).toBe('sealed');
    expect(a.scores.length).toBe(2); // the agent's score and the final one
    expect(a.normalizedScore).toBeGreaterThan(0.8);
    expect(a.normalizedScore).toBeLessThan(1.3);
    expect(a.agent).toMatchObject({ name: 'scripted-solver', model: 'none-1', usage: { inputTokens: 1200, outputTokens: 340, reports: 1 } });

    const manifest = readManifest(a.bundle.file);
    expect(manifest.agent).toMatchObject({ name: 'scripted-solver', model: 'none-1', usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.01 } });
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['submission/solution.py']));
    expect(manifest.files.some((f) => f.path.startsWith('casts/'))).toBe(true);

    // The trajectory holds the tool calls (src agent) and the agent's terminal exactly as a human's would be.
    const records: EventRecord[] = [];
    for await (const rec of new LogReader(a.dir).records()) records.push(rec);
    const tools = records.filter((x) => x.kind === 'agent.call').map((x) => (x.data as { tool: string }).tool);
    expect(tools).toEqual(['time_left', 'list_files', 'read_file', 'write_file', 'bash', 'note', 'score', 'report_usage', 'submit']);
    expect(records.every((x) => !x.kind.startsWith('agent.') || x.src === 'agent')).toBe(true);
    expect(records.some((x) => x.kind === 'pty.open')).toBe(true);
    expect(records.some((x) => x.kind === 'pty.output' && String((x.data as { data: string }).data).includes('[0, 2, 2, 2]'))).toBe(true);

    const bundles = join(work, 'bundles');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(bundles);
    copyFileSync(a.bundle.file, join(bundles, `${a.id}.redesk`));
    const signers = await signersFor(dataDir, join(work, 'allowed_signers'));
    const v = await redesk(['verify', bundles, '--allowed-signers', signers, '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, bundles: [{ ok: true, code: null }] });
    const agg = await redesk(['aggregate', bundles, '--out', join(work, 'report'), '--allowed-signers', signers, '--json']);
    expect(agg.code, agg.stderr).toBe(0);
    const env = (JSON.parse(agg.stdout) as { summary: { environments: { id: string; groups: Record<string, { runs: number }> }[] } }).summary.environments[0]!;
    expect(env.id).toBe('prefix_sum_mini');
    expect(env.groups.agent?.runs).toBe(1);
    expect(env.groups.human?.runs ?? 0).toBe(0);
  }, 240_000);
});
