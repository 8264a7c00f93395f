import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../keys/openssh';
import { bundlesApi } from './bundlesApi';
import { sealAttempt } from './sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from './testKit';

const expert = keyPair();
const organizer = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
let folder: string;
beforeAll(async () => {
  root = await tempRoot('redesk-bundles-api-');
  folder = join(root.dir, 'bundles');
  const dir = await makeAttempt(join(root.dir, 'a'), { expert, ticket: ticketFor(organizer, expert), scores: [8, 5] });
  const { file } = await sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(folder, 'a.redesk') });
  const bytes = await readFile(file);
  bytes[bytes.indexOf('print("hi")')] ^= 1;
  await writeFile(join(folder, 'b-tampered.redesk'), bytes);
});
afterAll(() => root.cleanup());

describe('bundlesApi', () => {
  it('scans a folder (relative to the data folder), naming the signer when no allowed_signers is there', async () => {
    const api = bundlesApi({ dataDir: root.dir });
    const s = await api.bundlesScan('bundles');
    expect(s.path).toBe(folder);
    expect(s.allowedSigners).toBeUndefined();
    expect(s.bundles.map((b) => [b.ok, b.code])).toEqual([
      [true, null],
      [false, 'BUNDLE_HASH_MISMATCH'],
    ]);
    expect(s.bundles[0]).toMatchObject({ envId: 'toy_env', group: 'human', final: 5, normalized: 0.625, signer: fingerprint(expert.publicKey) });
    await expect(api.bundlesScan(join(root.dir, 'nowhere'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('refuses a report without allowed_signers, then writes it into <folder>/report/', async () => {
    const api = bundlesApi({ dataDir: join(root.dir, 'data') });
    await expect(api.bundlesReport(folder)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await writeAllowedSigners(join(folder, 'allowed_signers'), [['expert@lab', expert.publicKey]]);
    expect((await api.bundlesScan(join(folder, 'a.redesk'))).bundles[0]!.signer).toBe('expert@lab');
    const r = await api.bundlesReport(folder);
    expect(r.outDir).toBe(join(folder, 'report'));
    expect(r.files.html).toBe(join(folder, 'report', 'report.html'));
    expect(r.summary.bundles).toEqual({ total: 2, counted: 1, failed: 1, duplicates: 0, invalidated: 0 });
    expect(r.summary.groups).toEqual([expect.objectContaining({ group: 'human', runs: 1, meanNormalized: 0.625 })]);
    expect(r.summary.failures[0]!.code).toBe('BUNDLE_HASH_MISMATCH');
  });

  it('accepts a bundle\'s signer into allowed_signers under a name: checked, not twice, a plain name only', async () => {
    const other = keyPair();
    const dir = await makeAttempt(join(root.dir, 'c'), { expert: other, scores: [4] });
    const f2 = join(root.dir, 'second');
    await sealAttempt(dir, { expertKey: other, env: testEnv(), appVersion: '1', outFile: join(f2, 'c.redesk') });
    const api = bundlesApi({ dataDir: join(root.dir, 'data2') });
    // No allowed_signers yet: the first acceptance creates one beside the bundles.
    await expect(api.bundlesAcceptSigner(f2, join(f2, 'c.redesk'), 'bob lab')).rejects.toMatchObject({ code: 'BAD_REQUEST', where: 'principal' });
    const s = await api.bundlesAcceptSigner(f2, join(f2, 'c.redesk'), 'bob@lab');
    expect(s.allowedSigners).toBe(join(f2, 'allowed_signers'));
    expect(s.bundles[0]).toMatchObject({ ok: true, signer: 'bob@lab' });
    expect(await readFile(join(f2, 'allowed_signers'), 'utf8')).toMatch(/^bob@lab namespaces="redesk-bundle" ssh-ed25519 \S+\n$/);
    await expect(api.bundlesAcceptSigner(f2, join(f2, 'c.redesk'), 'robert@lab')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('already lists this key') });
    // In a folder whose allowed_signers lacks the key, the scan says so; accepting appends to that same file.
    await writeAllowedSigners(join(f2, 'allowed_signers'), [['expert@lab', expert.publicKey]]);
    expect((await api.bundlesScan(f2)).bundles[0]!.code).toBe('BUNDLE_SIGNER_UNKNOWN');
    const again = await api.bundlesAcceptSigner(f2, join(f2, 'c.redesk'), 'bob@lab');
    expect(again.bundles[0]).toMatchObject({ ok: true, signer: 'bob@lab' });
    expect((await readFile(join(f2, 'allowed_signers'), 'utf8')).trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['expert@lab', 'bob@lab']);
  });
});
