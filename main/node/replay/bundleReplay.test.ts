import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../keys/openssh';
import { sealAttempt } from '../bundle/sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from '../bundle/testKit';
import { silentLogger } from '../systemClock';
import { ReplayService } from './ReplayService';

const expert = keyPair();
const organizer = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
let bundle: string;
beforeAll(async () => {
  root = await tempRoot('redesk-replay-bundle-');
  const dir = await makeAttempt(join(root.dir, 'a'), { expert, ticket: ticketFor(organizer, expert), scores: [8, 5] });
  bundle = (await sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1', outFile: join(root.dir, 'b', 'one.redesk') })).file;
});
afterAll(() => root.cleanup());

function service(o: { allowedSigners?: string } = {}): ReplayService {
  return new ReplayService({ attemptDir: (id) => join(root.dir, id), dataDir: root.dir, logger: silentLogger, tmpDir: join(root.dir), ...o });
}

describe('replaying a bundle', () => {
  it('verifies it, names the signer when no allowed_signers are set, and replays its trajectory with the sealed baseline', async () => {
    const s = service();
    const info = await s.openReplay(bundle);
    expect(info.verify.ok).toBe(true);
    expect(info.verify.message).toContain(fingerprint(expert.publicKey));
    expect(info.verify.message).toContain('not checked against allowed_signers');
    expect(info).toMatchObject({ attemptId: 'toy_env-20261201T100000-abcd', envId: 'toy_env', terminals: [{ ptyId: 't1' }], bundle });
    expect(info.records).toBe(5);
    const frame = await s.frame(info.replayId, 40);
    expect(frame.terminals[0]!.serialized).toContain('solution.py');
    // The unpacked folder is the service's own, holds only what replay needs, and goes on close.
    const [dir] = s.unpackedDirs;
    expect((await readdir(dir!)).sort()).toEqual(['casts', 'events', 'scores.jsonl', 'state.json']);
    expect(JSON.parse(await readFile(join(dir!, 'state.json'), 'utf8'))).toMatchObject({ envId: 'toy_env', baseline: { start: 10, reference: 2 } });
    await s.close(info.replayId);
    expect(existsSync(dir!)).toBe(false);
    expect(s.unpackedDirs).toEqual([]);
  });

  it('checks the signer against allowed_signers when they are configured', async () => {
    const signers = join(root.dir, 'allowed_signers');
    await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);
    const ok = service({ allowedSigners: signers });
    expect((await ok.openReplay(bundle)).verify).toMatchObject({ ok: true, message: expect.stringContaining('expert@lab') });
    ok.dispose();
    const other = join(root.dir, 'other_signers');
    await writeAllowedSigners(other, [['someone@lab', keyPair().publicKey]]);
    const refused = service({ allowedSigners: other });
    const info = await refused.openReplay(bundle);
    expect(info.verify).toMatchObject({ ok: false, message: expect.stringMatching(/^BUNDLE_SIGNER_UNKNOWN/) });
    expect(info.records).toBe(5);
    refused.dispose();
  });

  it('still replays a bundle whose submission was changed, with the failure in verify; dispose removes every folder', async () => {
    const bytes = await readFile(bundle);
    const at = bytes.indexOf('print("hi")');
    expect(at).toBeGreaterThan(0);
    bytes[at] ^= 1;
    const tampered = join(root.dir, 'b', 'tampered.redesk');
    await writeFile(tampered, bytes);
    const s = service();
    const info = await s.openReplay(tampered);
    expect(info.verify).toMatchObject({ ok: false, message: expect.stringMatching(/^BUNDLE_HASH_MISMATCH/) });
    const dirs = s.unpackedDirs;
    expect(dirs).toHaveLength(1);
    s.dispose();
    expect(dirs.every((d) => !existsSync(d))).toBe(true);
  });

  it('refuses a missing bundle and one that is not a tar, leaving nothing behind', async () => {
    const s = service();
    await expect(s.openReplay(join(root.dir, 'nope.redesk'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const junk = join(root.dir, 'junk.redesk');
    await writeFile(junk, 'not a tar at all');
    await expect(s.openReplay(junk)).rejects.toMatchObject({ code: expect.stringMatching(/^BUNDLE_/), message: expect.stringContaining('Verification says') });
    expect(s.unpackedDirs).toEqual([]);
    s.dispose();
  });
});
