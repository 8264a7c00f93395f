import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTicket } from '../tickets/verifyTicket';
import { sealAttempt } from './sealAttempt';
import { readEntries } from './tamperKit';
import { keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from './testKit';
import { verifyBundleFile } from './verifyBundle';

const SSH_KEYGEN = ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'].find(existsSync);
const TAR = ['/usr/bin/tar', '/bin/tar'].find(existsSync);

const expert = keyPair();
const organizer = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await tempRoot();
});
afterAll(() => root.cleanup());

describe('sealAttempt', () => {
  it('writes a tar whose first entries are the manifest and its signature, with every file hashed', async () => {
    const ticket = ticketFor(organizer, expert);
    const dir = await makeAttempt(join(root.dir, 'a'), { expert, ticket, files: { 'solution.py': 'x = 1\n', 'big.bin': Buffer.alloc(5000, 1), '__pycache__/s.pyc': 'j', 'sub/notes.md': 'n' } });
    const { file, manifest, warnings } = await sealAttempt(dir, { expertKey: expert, env: testEnv({ maxFileBytes: 4096 }), appVersion: '9.9.9' });
    expect(file).toBe(join(dir, `${manifest.attempt.id}.redesk`));
    expect(warnings).toEqual([]);
    const entries = await readEntries(file);
    expect(entries.map((e) => e.name)).toEqual([
      'manifest.json',
      'manifest.json.sig',
      'ticket.json',
      'ticket.json.sig',
      'scores.jsonl',
      'events/meta.json',
      'events/events-000001.jsonl',
      'events/checkpoints.jsonl',
      'casts/pty-t1.cast',
      'submission/solution.py',
      'submission/sub/notes.md',
    ]);
    expect(JSON.parse(entries[0]!.data.toString())).toEqual(manifest);
    expect(manifest).toMatchObject({
      format: 'redesk-bundle/1',
      app: { name: 'redesk', version: '9.9.9' },
      attempt: { practice: false, elapsedMs: 3_000_000, state: 'scored' },
      ticket: { id: ticket.ticket.id },
      score: { final: 5, normalized: 0.625, log: { count: 4, valid: 3, best: 5, last: 6, bestElapsedMs: 1_800_000, lastElapsedMs: 2_400_000 } },
      trajectory: { records: 5, lastSeq: 4, checkpoints: 2, lastCheckpointSeq: 4, ok: true },
      submission: { files: 2, bytes: 7, omitted: [{ path: 'big.bin', size: 5000 }] },
    });
    expect(manifest.submission.omitted[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.sha256 !== '0'.repeat(64))).toBe(true);
    expect(parseTicket(entries[2]!.data).id).toBe(ticket.ticket.id);

    const signers = join(root.dir, 'allowed_signers');
    await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);
    const v = await verifyBundleFile(file, { allowedSigners: signers, organizerKey: organizer.publicKey });
    expect(v).toMatchObject({ ok: true, code: null, signer: 'expert@lab', warnings: ['1 submission file(s) over 4096 bytes are listed by hash only'] });
  });

  it('seals a practice attempt without trajectory, saying so', async () => {
    const dir = await makeAttempt(join(root.dir, 'b'), { expert, events: false });
    const out = join(root.dir, 'b', 'out.redesk');
    const r = await sealAttempt(dir, { expertKey: expert, appVersion: '1', outFile: out });
    expect(r.file).toBe(out);
    expect(r.manifest).toMatchObject({ ticket: null, trajectory: null, attempt: { practice: true } });
    expect(r.warnings.join('\n')).toMatch(/no trajectory[\s\S]*environment was not given/);
    expect(r.manifest.files.map((f) => f.path)).toEqual(['scores.jsonl', 'submission/__pycache__/x.pyc', 'submission/notes.md', 'submission/solution.py']);
  });

  it('refuses an attempt that is still running', async () => {
    const dir = await makeAttempt(join(root.dir, 'c'), { expert, state: { state: 'running' } });
    await expect(sealAttempt(dir, { expertKey: expert, appVersion: '1' })).rejects.toMatchObject({ code: 'ATTEMPT_BAD_STATE' });
  });

  it('fails with BUNDLE_SOURCE_CHANGED when a file changes while it is written, and leaves no bundle', async () => {
    const dir = await makeAttempt(join(root.dir, 'd'), { expert, files: { 'a.bin': Buffer.alloc(3 << 20, 2) } });
    const out = join(root.dir, 'd', 'x.redesk');
    const sealing = sealAttempt(dir, { expertKey: expert, appVersion: '1', outFile: out });
    // The seal plans (stats every file) before it writes; grow the file in between.
    await new Promise((r) => setTimeout(r, 5));
    await appendFile(join(dir, 'workspace', 'a.bin'), 'more');
    const r = await sealing.then(
      () => 'sealed',
      (e: { code?: string }) => e.code,
    );
    // The append may land before planning (a consistent bundle) or after (refused); never a bundle that lies.
    if (r === 'sealed') {
      const signers = join(root.dir, 'as-d');
      await writeAllowedSigners(signers, [['e', expert.publicKey]]);
      expect((await verifyBundleFile(out, { allowedSigners: signers })).ok).toBe(true);
    } else {
      expect(r).toBe('BUNDLE_SOURCE_CHANGED');
      expect(existsSync(out)).toBe(false);
    }
  });

  it.skipIf(!SSH_KEYGEN || !TAR)('is checked by tar -xf and ssh-keygen -Y verify with no redesk (skipped: no tar or ssh-keygen)', async () => {
    const dir = await makeAttempt(join(root.dir, 'e'), { expert });
    const { file } = await sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1' });
    const x = join(root.dir, 'e', 'x');
    mkdirSync(x);
    execFileSync(TAR!, ['-xf', file, '-C', x]);
    await writeAllowedSigners(join(x, 'allowed_signers'), [['expert@lab', expert.publicKey]]);
    const verify = (manifest: Buffer) =>
      spawnSync(SSH_KEYGEN!, ['-Y', 'verify', '-f', join(x, 'allowed_signers'), '-I', 'expert@lab', '-n', 'redesk-bundle', '-s', join(x, 'manifest.json.sig')], { input: manifest });
    const manifest = readFileSync(join(x, 'manifest.json'));
    const ok = verify(manifest);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(verify(Buffer.from(manifest.toString().replace('"practice": true', '"practice": false'))).status).not.toBe(0);
    // The extracted submission hashes to what the manifest says (sha256sum-style check without redesk).
    const m = JSON.parse(manifest.toString()) as { files: { path: string; sha256: string }[] };
    const sol = m.files.find((f) => f.path === 'submission/solution.py')!;
    expect(execFileSync('sha256sum', [join(x, 'submission', 'solution.py')]).toString().split(' ')[0]).toBe(sol.sha256);
  });

  it('names the trajectory problem in the manifest when the log was damaged before sealing', async () => {
    const dir = await makeAttempt(join(root.dir, 'f'), { expert });
    const seg = join(dir, 'events', 'events-000001.jsonl');
    await writeFile(seg, (await readFile(seg, 'utf8')).replace('solution.py', 'solutiom.py'));
    const r = await sealAttempt(dir, { expertKey: expert, appVersion: '1' });
    expect(r.manifest.trajectory).toMatchObject({ ok: false, problem: { code: 'LOG_CHAIN_BROKEN' } });
    const signers = join(root.dir, 'as-f');
    await writeAllowedSigners(signers, [['e', expert.publicKey]]);
    expect(await verifyBundleFile(r.file, { allowedSigners: signers })).toMatchObject({ ok: false, code: 'LOG_CHAIN_BROKEN' });
  });
});
