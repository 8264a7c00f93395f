import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAttempt } from '../bundle/sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from '../bundle/testKit';
import { aggregateBundles } from './aggregateBundles';
import { attemptsCsv } from './attemptsCsv';
import { lineChart, niceTicks } from './svgChart';

const expert = keyPair();
const organizer = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await tempRoot('redesk-report-test-');
});
afterAll(() => root.cleanup());

describe('aggregateBundles', () => {
  it('counts verified bundles once, lists failures, and writes the three files', async () => {
    const bundles = join(root.dir, 'bundles');
    const seal = async (name: string, o: Parameters<typeof makeAttempt>[1], agent?: { name: string; usage?: unknown }) => {
      const dir = await makeAttempt(join(root.dir, name), o);
      return sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(bundles, `${name}.redesk`), ...(agent ? { agent } : {}) });
    };
    // Humans: finals 5 (n=0.625) and 2 (n=1); agents: 8 (n=0.25).
    const shared = ticketFor(organizer, expert);
    await seal('h1', { expert, ticket: shared, scores: [8, 5] });
    await seal('h2', { expert, ticket: ticketFor(organizer, expert), scores: [6, 2] });
    await seal('h3-reuses-h1', { expert, ticket: shared, scores: [1], id: 'toy_env-20261201T100000-0003', state: { startedAt: '2026-12-01T11:00:00.000Z' } });
    await seal('a1', { expert, scores: [9, 8] }, { name: 'claude-agent', usage: { inputTokens: 12_345, outputTokens: 678, costUsd: 0.42, reports: 3 } });
    const broken = await seal('x-broken', { expert, ticket: ticketFor(organizer, expert), scores: [3] });
    const bytes = await readFile(broken.file);
    bytes[bytes.length - 1030] ^= 1;
    await writeFile(broken.file, bytes);
    const signers = join(root.dir, 'allowed_signers');
    await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);

    const out = join(root.dir, 'report');
    const { summary, files } = await aggregateBundles(bundles, { outDir: out, allowedSigners: signers, organizerKey: organizer.publicKey, now: new Date('2026-12-05T00:00:00Z') });
    expect(summary.bundles).toEqual({ total: 5, counted: 3, failed: 1, duplicates: 1 });
    expect(summary.failures[0]).toMatchObject({ code: expect.stringMatching(/^BUNDLE_/) });
    expect(summary.duplicates).toEqual([{ ticketId: shared.ticket.id, kept: join(bundles, 'h1.redesk'), dropped: [join(bundles, 'h3-reuses-h1.redesk')] }]);
    const human = summary.groups.human!;
    expect(human.runs).toBe(2);
    expect(human.meanNormalized.value).toBeCloseTo((0.625 + 1) / 2, 12);
    expect(summary.groups.agent!.meanNormalized.value).toBeCloseTo(0.25, 12);
    const env = summary.environments[0]!;
    expect(env.id).toBe('toy_env');
    // score@2 of {0.625, 1} is the max, 1; score@1 the mean.
    expect(env.groups.human!.scoreAtK.map((k) => [k.k, k.value])).toEqual([
      [1, (0.625 + 1) / 2],
      [2, 1],
    ]);
    // At half the time limit (30 min), h1 had scored 8 at 10 min and 5 at 20 min (best 0.625); h2 6 then 2.
    const half = human.scoreAtBudget.find((b) => b.runFraction === 0.5)!;
    expect(half.points[0]).toMatchObject({ k: 1, budgetLimits: 0.5, budgetMs: 1_800_000 });
    expect(half.points[0]!.value).toBeCloseTo((0.625 + 1) / 2, 12);
    const quarter = human.scoreAtBudget.find((b) => b.runFraction === 0.25)!;
    // At 15 min each had one score: 8 (0.25) and 6 (0.5).
    expect(quarter.points[0]!.value).toBeCloseTo((0.25 + 0.5) / 2, 12);

    const csv = await readFile(files.csv, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^env,env_version,variant,attempt,group,agent,/);
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    expect(csv).toContain('claude-agent');
    // The agent's reported usage, for cost views: in its CSV row and the report's agents table.
    const header = csv.split('\r\n')[0]!.split(',');
    const agentRow = csv.split('\r\n').find((l) => l.includes('claude-agent'))!.split(',');
    expect([agentRow[header.indexOf('agent_input_tokens')], agentRow[header.indexOf('agent_output_tokens')], agentRow[header.indexOf('agent_cost_usd')]]).toEqual(['12345', '678', '0.42']);
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toEqual(summary);
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('toy_env');
    expect(html).toContain('<svg');
    expect(html).toContain('Agents: reported usage');
    expect(html).toContain('<td>claude-agent</td><td>1</td><td>1</td><td>12,345</td><td>678</td><td>$0.42</td>');
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|<link/i);
    // The same bundles and seed give the same numbers.
    const again = await aggregateBundles(bundles, { outDir: join(root.dir, 'report2'), allowedSigners: signers, organizerKey: organizer.publicKey, now: new Date('2026-12-05T00:00:00Z') });
    expect(again.summary).toEqual(summary);
  });
});

describe('report pieces', () => {
  it('quotes CSV cells and defuses formulas', () => {
    const run = { envId: 'e', envVersion: '1', variant: 'v', attempt: 'a,b', group: 'agent', agent: '=cmd()', expert: 'SHA256:x', ticketId: null, practice: true, elapsedMs: 1, timeLimitMs: 2, direction: 'min', aggregate: 'best', scoreCount: 0, validScores: 0, final: null, normalized: null, file: 'f "q"', points: [] } as never;
    const line = attemptsCsv([run]).split('\r\n')[1]!;
    expect(line).toContain('"a,b"');
    expect(line).toContain("'=cmd()");
    expect(line).toContain('"f ""q"""');
  });

  it('draws charts with round ticks and escapes text', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const svg = lineChart({ title: '<b>', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [{ x: 1, y: 0.5, lo: 0.2, hi: 0.8 }, { x: 4, y: 0.9 }] }], xScale: 'log2' });
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toMatch(/<polyline/);
    expect(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('no data');
  });
});
