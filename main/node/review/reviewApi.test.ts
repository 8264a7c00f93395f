import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAttempt } from '../bundle/sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv } from '../bundle/testKit';
import { REVIEW_FILE } from './reviewLog';
import { reviewApi } from './reviewApi';

const expert = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
let dataDir: string;
beforeAll(async () => {
  root = await tempRoot('redesk-review-api-');
  dataDir = join(root.dir, 'data');
  for (const [name, scores] of [['one', [8, 5]], ['two', [6, 2]]] as const) {
    const dir = await makeAttempt(join(root.dir, name), { expert, scores: [...scores] });
    await sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(dataDir, 'bundles', `${name}.redesk`) });
  }
});
afterAll(() => root.cleanup());

describe('the review API (the Bundles view)', () => {
  it('lists blind, refuses to record without a judge key or with bad input, then records, restores and reveals', async () => {
    const api = reviewApi({ dataDir });
    // A path relative to the data folder, or a bundle file in it: the same folder.
    const l = await api.reviewList('bundles');
    expect(await api.reviewList(join(dataDir, 'bundles', 'one.redesk')).then((x) => x.rows.map((r) => r.blindId))).toEqual(l.rows.map((r) => r.blindId));
    expect(l).toMatchObject({ blind: true, judgeKey: null });
    expect(l.rows).toHaveLength(2);
    const [a, b] = l.rows.map((r) => r.blindId) as [string, string];
    await expect(api.reviewRecord('bundles', { kind: 'score', judge: 'ann', blindId: a, value: 3 })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });

    const { fingerprint } = await api.reviewKeyCreate();
    expect(fingerprint).toMatch(/^SHA256:/);
    expect((await api.reviewKeyCreate()).fingerprint).toBe(fingerprint);
    await expect(api.reviewRecord('bundles', { kind: 'score', judge: ' ', blindId: a, value: 3 })).rejects.toMatchObject({ code: 'BAD_REQUEST', where: 'judge' });
    await expect(api.reviewRecord('bundles', { kind: 'score', judge: 'ann', blindId: a, value: Number.NaN })).rejects.toMatchObject({ code: 'BAD_REQUEST', where: 'value' });
    await expect(api.reviewRecord('bundles', { kind: 'invalidate', judge: 'ann', blindId: b, reason: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST', where: 'reason' });
    await expect(api.reviewRecord('bundles', { kind: 'score', judge: 'ann', blindId: 'B-00000000', value: 1 })).rejects.toMatchObject({ code: 'REVIEW_UNKNOWN_BUNDLE' });
    await expect(api.reviewList('bundles', { reveal: true })).rejects.toMatchObject({ code: 'REVIEW_NOT_REVEALED' });

    let v = await api.reviewRecord('bundles', { kind: 'score', judge: 'ann', blindId: a, value: 3, reason: 'partial' });
    expect(v.judgeKey).toBe(fingerprint);
    expect(v.rows.find((r) => r.blindId === a)!.review).toMatchObject({ manualMean: 3, scores: [{ judge: 'ann', fingerprint, value: 3, reason: 'partial' }] });
    v = await api.reviewRecord('bundles', { kind: 'invalidate', judge: 'ann', blindId: b, reason: 'copied the reference' });
    expect(v.rows.find((r) => r.blindId === b)!.review.invalidated).toMatchObject({ judge: 'ann', reason: 'copied the reference' });
    v = await api.reviewRecord('bundles', { kind: 'restore', judge: 'ann', blindId: b });
    expect(v.rows.find((r) => r.blindId === b)!.review).toMatchObject({ invalidated: null, history: [{ kind: 'invalidate' }, { kind: 'restore' }] });
    expect(v.blind).toBe(true);
    expect(v.rows.every((r) => r.identity === undefined)).toBe(true);

    v = await api.reviewRecord('bundles', { kind: 'reveal', judge: 'ann' });
    expect(v.blind).toBe(false);
    expect(v.reveals).toEqual([{ judge: 'ann', fingerprint, t: expect.any(String) }]);
    expect(v.rows.map((r) => r.identity?.file.split('/').pop()).sort()).toEqual(['one.redesk', 'two.redesk']);
    // Four records, each one signed line in the folder's review.jsonl.
    const lines = (await readFile(join(dataDir, 'bundles', REVIEW_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((x) => (JSON.parse(x) as { kind: string }).kind)).toEqual(['score', 'invalidate', 'restore', 'reveal']);
  });

  it('numbers copies of one bundle (same manifest) apart, and a record about one stands for every copy', async () => {
    const api = reviewApi({ dataDir });
    await mkdir(join(dataDir, 'copies'));
    for (const f of ['x.redesk', 'y.redesk']) await copyFile(join(dataDir, 'bundles', 'one.redesk'), join(dataDir, 'copies', f));
    await copyFile(join(dataDir, 'bundles', 'two.redesk'), join(dataDir, 'copies', 'z.redesk'));
    const l = await api.reviewList('copies');
    const ids = l.rows.map((r) => r.blindId);
    expect(new Set(ids).size).toBe(3);
    const copies = ids.filter((i) => /\.\d$/.test(i)).sort();
    expect(copies.map((i) => i.slice(-2))).toEqual(['.1', '.2']);
    expect(copies[0]!.slice(0, -2)).toBe(copies[1]!.slice(0, -2));
    // The numbering is the same each time (drawn from the salt), and both copies carry one record.
    expect((await api.reviewList('copies')).rows.map((r) => r.blindId)).toEqual(ids);
    const v = await api.reviewRecord('copies', { kind: 'score', judge: 'ann', blindId: copies[1]!, value: 7 });
    expect(v.rows.filter((r) => copies.includes(r.blindId)).map((r) => r.review.manualMean)).toEqual([7, 7]);
  });
});
