/**
 * Blind review with the built CLI under plain node: list under blind ids, two judges score, one invalidates,
 * reveal (recorded), list --reveal, and aggregate reading review.jsonl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAttempt } from '../../main/node/bundle/sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from '../../main/node/bundle/testKit';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: string[]): T {
  const r = redesk([...args, '--json']);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
  work = await tempRoot('redesk-review-smoke-');
}, 120_000);
afterAll(() => work.cleanup());

interface Listing {
  blind: boolean;
  rows: { blindId: string; normalized: number; review: { manualMean: number | null; invalidated: { reason: string } | null }; identity?: { group: string } }[];
}

describe('redesk review', () => {
  it('list, score by two judges, invalidate, reveal, aggregate', async () => {
    const expert = keyPair();
    const organizer = keyPair();
    const bundles = join(work.dir, 'bundles');
    mkdirSync(bundles);
    const h = await makeAttempt(join(work.dir, 'h'), { expert, ticket: ticketFor(organizer, expert), scores: [8, 5] });
    await sealAttempt(h, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(bundles, 'human.redesk') });
    const a = await makeAttempt(join(work.dir, 'a'), { expert, scores: [9, 8] });
    await sealAttempt(a, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(bundles, 'agent.redesk'), agent: { name: 'bot' } });
    const signers = join(work.dir, 'allowed_signers');
    await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);
    const alice = join(work.dir, 'alice');
    const bob = join(work.dir, 'bob');
    json(['keys', 'init', '--role', 'organizer', '--data-dir', alice]);
    json(['keys', 'init', '--role', 'organizer', '--data-dir', bob]);

    const blind = json<Listing>(['review', 'list', bundles, '--allowed-signers', signers]);
    expect(blind.blind).toBe(true);
    expect(blind.rows.every((r) => r.identity === undefined)).toBe(true);
    const human = blind.rows.find((r) => r.normalized === 0.625)!.blindId;
    const agent = blind.rows.find((r) => r.normalized === 0.25)!.blindId;
    json(['review', 'score', bundles, human, '0.6', '--judge', 'alice', '--data-dir', alice, '--note', 'clean']);
    json(['review', 'score', bundles, human, '0.8', '--judge', 'bob', '--data-dir', bob]);
    json(['review', 'invalidate', bundles, agent, '--reason', 'used the network', '--judge', 'bob', '--data-dir', bob]);
    expect(redesk(['review', 'score', bundles, 'B-00000000', '1', '--judge', 'bob', '--data-dir', bob]).stderr).toContain('REVIEW_UNKNOWN_BUNDLE');
    expect(redesk(['review', 'list', bundles, '--reveal']).stderr).toContain('REVIEW_NOT_REVEALED');
    const text = redesk(['review', 'list', bundles]).stdout;
    expect(text).toContain('INVALIDATED by bob: used the network');
    expect(text).toContain('manual 0.700 (alice 0.6, bob 0.8)');

    json(['review', 'reveal', bundles, '--judge', 'alice', '--data-dir', alice]);
    const open = json<Listing>(['review', 'list', bundles, '--reveal', '--allowed-signers', signers]);
    expect(open.rows.find((r) => r.blindId === agent)!.identity).toMatchObject({ group: 'agent' });

    const out = join(work.dir, 'report');
    const r = json<{ summary: { groups: Record<string, unknown>; review: { invalidated: { reason: string; judge: string }[] } } }>(['aggregate', bundles, '--out', out, '--allowed-signers', signers]);
    expect(Object.keys(r.summary.groups)).toEqual(['human']);
    expect(r.summary.review.invalidated).toEqual([expect.objectContaining({ reason: 'used the network', judge: 'bob' })]);
    expect(readFileSync(join(out, 'attempts.csv'), 'utf8')).toContain('0.7,alice=0.6; bob=0.8');
  });
});
