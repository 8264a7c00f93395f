import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAttempt } from '../bundle/sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from '../bundle/testKit';
import { fingerprint } from '../keys/openssh';
import { aggregateBundles } from '../report/aggregateBundles';
import { bundleOfBlindId, listForReview } from './reviewBundles';
import { appendReview, readReviews, REVIEW_FILE } from './reviewLog';
import { parseReviewLine } from './reviewRecord';
import { reviewState } from './reviewState';

const expert = keyPair();
const organizer = keyPair();
const alice = { name: 'alice', key: keyPair() };
const bob = { name: 'bob', key: keyPair() };
let root: { dir: string; cleanup: () => Promise<void> };
let bundles: string;
let signers: string;
beforeAll(async () => {
  root = await tempRoot('redesk-review-test-');
  bundles = join(root.dir, 'bundles');
  const seal = async (name: string, o: Parameters<typeof makeAttempt>[1], agent?: { name: string }) => {
    const dir = await makeAttempt(join(root.dir, name), o);
    return sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(bundles, `${name}.redesk`), ...(agent ? { agent } : {}) });
  };
  // Humans: finals 5 (n=0.625) and 2 (n=1); agent: 8 (n=0.25).
  await seal('h1', { expert, ticket: ticketFor(organizer, expert), scores: [8, 5] });
  await seal('h2', { expert, ticket: ticketFor(organizer, expert), scores: [6, 2] });
  await seal('a1', { expert, scores: [9, 8] }, { name: 'claude-agent' });
  signers = join(root.dir, 'allowed_signers');
  await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);
});
afterAll(() => root.cleanup());

const opts = () => ({ allowedSigners: signers, organizerKey: organizer.publicKey, now: new Date('2026-12-05T00:00:00Z') });

describe('blind review', () => {
  it('lists bundles under salted ids with no identity, and refuses to reveal until a reveal is recorded', async () => {
    const l = await listForReview(bundles, opts());
    expect(l.blind).toBe(true);
    expect(l.rows).toHaveLength(3);
    for (const r of l.rows) {
      expect(r.blindId).toMatch(/^B-[0-9a-f]{8}$/);
      expect(r.identity).toBeUndefined();
      expect(JSON.stringify(r)).not.toMatch(/claude-agent|h1\.redesk|expert@lab|toy_env-2026/);
      expect(r.blindId.slice(2)).not.toBe(r.bundle!.slice(0, 8));
    }
    // The same folder gives the same ids (the salt is kept).
    expect((await listForReview(bundles, opts())).rows.map((r) => r.blindId)).toEqual(l.rows.map((r) => r.blindId));
    await expect(listForReview(bundles, { ...opts(), reveal: true })).rejects.toMatchObject({ code: 'REVIEW_NOT_REVEALED' });
    expect(() => bundleOfBlindId(l, 'B-00000000')).toThrow(expect.objectContaining({ code: 'REVIEW_UNKNOWN_BUNDLE' }));
  });

  it('records scores from several judges, invalidations that are kept after a restore, and a reveal; all go into the report', async () => {
    const l = await listForReview(bundles, opts());
    const byNorm = (n: number) => l.rows.find((r) => r.normalized === n)!;
    const h1 = bundleOfBlindId(l, byNorm(0.625).blindId);
    const h2 = bundleOfBlindId(l, byNorm(1).blindId);
    const a1 = bundleOfBlindId(l, byNorm(0.25).blindId);
    await appendReview(bundles, { judge: alice, bundle: h1, kind: 'score', value: 0.5, now: new Date('2026-12-06T10:00:00Z') });
    await appendReview(bundles, { judge: bob, bundle: h1, kind: 'score', value: 0.9, now: new Date('2026-12-06T10:01:00Z') });
    // A judge's later score replaces their earlier one (both stay in the file).
    await appendReview(bundles, { judge: alice, bundle: h1, kind: 'score', value: 0.7, reason: 'second look', now: new Date('2026-12-06T10:02:00Z') });
    await appendReview(bundles, { judge: alice, bundle: h2, kind: 'invalidate', reason: 'used the internet', now: new Date('2026-12-06T10:03:00Z') });
    await appendReview(bundles, { judge: bob, bundle: a1, kind: 'invalidate', reason: 'wrong model', now: new Date('2026-12-06T10:04:00Z') });
    await appendReview(bundles, { judge: alice, bundle: a1, kind: 'restore', reason: 'model was right', now: new Date('2026-12-06T10:05:00Z') });

    const blind = await listForReview(bundles, opts());
    const r1 = blind.rows.find((r) => r.bundle === h1)!;
    expect(r1.review.scores.map((s) => [s.judge, s.value])).toEqual([
      ['alice', 0.7],
      ['bob', 0.9],
    ]);
    expect(r1.review.manualMean).toBeCloseTo(0.8, 12);
    expect(blind.rows.find((r) => r.bundle === h2)!.review.invalidated).toMatchObject({ judge: 'alice', reason: 'used the internet', fingerprint: fingerprint(alice.key.publicKey) });
    const ra = blind.rows.find((r) => r.bundle === a1)!.review;
    expect(ra.invalidated).toBeNull();
    expect(ra.history.map((h) => h.kind)).toEqual(['invalidate', 'restore']);

    await appendReview(bundles, { judge: bob, bundle: '*', kind: 'reveal', now: new Date('2026-12-06T11:00:00Z') });
    const open = await listForReview(bundles, { ...opts(), reveal: true });
    expect(open.reveals).toEqual([{ judge: 'bob', fingerprint: fingerprint(bob.key.publicKey), t: '2026-12-06T11:00:00.000Z' }]);
    expect(open.rows.find((r) => r.bundle === a1)!.identity).toMatchObject({ group: 'agent', agent: 'claude-agent', file: join(bundles, 'a1.redesk') });

    // Never deleted: every record is in the file, in order.
    const text = await readFile(join(bundles, REVIEW_FILE), 'utf8');
    expect(text.trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual(['score', 'score', 'score', 'invalidate', 'invalidate', 'restore', 'reveal']);

    const out = join(root.dir, 'report');
    const { summary, files } = await aggregateBundles(bundles, { outDir: out, ...opts() });
    // h2 is out of the statistics: humans are h1 alone.
    expect(summary.groups.human!.runs).toBe(1);
    expect(summary.groups.human!.meanNormalized.value).toBeCloseTo(0.625, 12);
    expect(summary.groups.agent!.runs).toBe(1);
    expect(summary.bundles.total).toBe(3);
    expect(summary.review!.invalidated).toEqual([expect.objectContaining({ file: join(bundles, 'h2.redesk'), reason: 'used the internet', judge: 'alice' })]);
    expect(summary.review!.manualScores).toEqual([expect.objectContaining({ file: join(bundles, 'h1.redesk'), mean: 0.8 })]);
    expect(summary.review!.history.map((h) => [h.kind, h.judge])).toEqual([
      ['invalidate', 'alice'],
      ['invalidate', 'bob'],
      ['restore', 'alice'],
    ]);
    const csv = await readFile(files.csv, 'utf8');
    const [head, ...rows] = csv.trim().split('\r\n');
    expect(head).toContain('manual_mean,manual_scores,invalidated_by,invalidated_reason');
    expect(rows.find((r) => r.includes('h1.redesk'))).toContain('0.8,alice=0.7; bob=0.9,,');
    expect(rows.find((r) => r.includes('h2.redesk'))).toContain('alice,used the internet');
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('Invalidated (1)');
    expect(html).toContain('used the internet');
    expect(html).toContain('<th>alice</th><th>bob</th>');
    expect(html).toContain('<strong>invalidated</strong> by alice: used the internet');
  });

  it('fails a tampered line on its signature, ignores it, and keeps the others', async () => {
    const dir = join(root.dir, 'tamper');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const sha = 'a'.repeat(64);
    await appendReview(dir, { judge: alice, bundle: sha, kind: 'invalidate', reason: 'copied' });
    await appendReview(dir, { judge: bob, bundle: sha, kind: 'score', value: 0.4 });
    const path = join(dir, REVIEW_FILE);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    // Someone turns the invalidation into a restore, and raises bob's score.
    lines[0] = lines[0]!.replace('"invalidate"', '"restore"');
    lines[1] = lines[1]!.replace('0.4', '0.9');
    await writeFile(path, lines.join('\n') + '\n');
    const read = await readReviews(dir);
    expect(read.records).toEqual([]);
    expect(read.invalid.map((l) => [l.line, l.code])).toEqual([
      [1, 'REVIEW_SIGNATURE_INVALID'],
      [2, 'REVIEW_SIGNATURE_INVALID'],
    ]);
    expect(() => parseReviewLine(lines[1]!)).toThrow(expect.objectContaining({ code: 'REVIEW_SIGNATURE_INVALID' }));
    // A line signed by a key that is not a trusted judge is refused when judges are given.
    await appendReview(dir, { judge: bob, bundle: sha, kind: 'score', value: 0.3 });
    expect((await readReviews(dir)).records).toHaveLength(1);
    expect((await readReviews(dir, [alice.key.publicKey])).invalid.at(-1)).toMatchObject({ code: 'REVIEW_SIGNATURE_INVALID', message: expect.stringContaining('not a trusted organizer key') });
    // Claiming someone else's fingerprint does not help.
    const forged = JSON.parse((await readFile(path, 'utf8')).trim().split('\n').at(-1)!) as { judge: { fingerprint: string } };
    forged.judge.fingerprint = fingerprint(alice.key.publicKey);
    expect(() => parseReviewLine(JSON.stringify(forged))).toThrow(expect.objectContaining({ code: 'REVIEW_SIGNATURE_INVALID' }));
    expect(reviewState((await readReviews(dir)).records).bundles.get(sha)!.manualMean).toBe(0.3);
  });
});
