/**
 * Bundles end to end with the built CLI under plain node, as an organizer and an expert use it: keys, a ticket,
 * an attempt with the reference solution, `bundle export`, `verify` (and a tampered copy failing with its code),
 * `rescore`, `aggregate`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');
const SSH_KEYGEN = ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'].find(existsSync);
const TAR = ['/usr/bin/tar', '/bin/tar'].find(existsSync);

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: string[]): T {
  const r = redesk([...args, '--json']);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);

describe('redesk bundles', () => {
  it('ticket, attempt, export, verify, tamper, rescore, aggregate', () => {
    const work = mkdtempSync(join(tmpdir(), 'redesk-bundle-smoke-'));
    const expertDir = join(work, 'expert');
    const organizerDir = join(work, 'organizer');
    const bundles = join(work, 'bundles');
    mkdirSync(bundles);

    const expert = json<{ publicKey: string; pubPath: string }>(['keys', 'init', '--role', 'expert', '--data-dir', expertDir]);
    const organizer = json<{ publicKey: string; pubPath: string }>(['keys', 'init', '--role', 'organizer', '--data-dir', organizerDir]);
    const now = Date.now();
    const ticketFile = join(work, 'ticket.json');
    const ticket = json<{ ticket: { id: string; env: { hash: string } } }>([
      'ticket', 'issue', '--env', 'prefix_sum_mini@1.0.0', '--expert', expert.pubPath,
      '--not-before', new Date(now - 3_600_000).toISOString(), '--not-after', new Date(now + 86_400_000).toISOString(),
      '--out', ticketFile, '--data-dir', organizerDir,
    ]);
    expect(existsSync(`${ticketFile}.sig`)).toBe(true);
    expect(ticket.ticket.env.hash).toMatch(/^[0-9a-f]{64}$/);

    // The expert starts under the ticket: not practice, and the ticket cannot admit a second attempt.
    const a = json<{ id: string; workspace: string; practice: boolean; ticketId: string }>(['attempt', 'start', 'prefix_sum_mini', '--data-dir', expertDir, '--ticket', ticketFile]);
    expect(a.practice).toBe(false);
    expect(a.ticketId).toBe(ticket.ticket.id);
    const again = redesk(['attempt', 'start', 'prefix_sum_mini', '--data-dir', expertDir, '--ticket', ticketFile, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('TICKET_REUSED');
    cpSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'), join(a.workspace, 'solution.py'));
    json(['attempt', 'score', a.id, '--data-dir', expertDir]);
    const submitted = json<{ finalScore: number }>(['attempt', 'submit', a.id, '--data-dir', expertDir]);

    const file = join(bundles, `${a.id}.redesk`);
    const sealed = json<{ file: string; manifest: { score: { final: number }; files: { path: string }[] } }>(['bundle', 'export', a.id, '--out', file, '--data-dir', expertDir]);
    expect(sealed.file).toBe(file);
    expect(sealed.manifest.score.final).toBe(submitted.finalScore);
    expect(sealed.manifest.files.map((f) => f.path)).toContain('submission/solution.py');

    const signers = join(work, 'allowed_signers');
    writeFileSync(signers, `expert@lab ${expert.publicKey}\n`);
    const ok = json<{ ok: boolean; bundles: { ok: boolean; code: string | null }[] }>(['verify', file, '--allowed-signers', signers, '--organizer-key', organizer.pubPath]);
    expect(ok).toMatchObject({ ok: true, bundles: [{ ok: true, code: null }] });

    if (SSH_KEYGEN && TAR) {
      const x = join(work, 'x');
      mkdirSync(x);
      execFileSync(TAR, ['-xf', file, '-C', x]);
      const r = spawnSync(SSH_KEYGEN, ['-Y', 'verify', '-f', signers, '-I', 'expert@lab', '-n', 'redesk-bundle', '-s', join(x, 'manifest.json.sig')], { input: readFileSync(join(x, 'manifest.json')) });
      expect(r.status, r.stderr.toString()).toBe(0);
    }

    // A tampered copy: one byte of the submitted solution changed.
    const bytes = readFileSync(file);
    const at = bytes.indexOf(readFileSync(join(a.workspace, 'solution.py')).subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] ^= 1;
    const tampered = join(bundles, 'tampered.redesk');
    writeFileSync(tampered, bytes);
    const bad = redesk(['verify', tampered, '--allowed-signers', signers, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, bundles: [{ ok: false, code: 'BUNDLE_HASH_MISMATCH' }] });

    const rescored = json<{ sealed: { final: number }; rescored: { score: number | null } }>(['rescore', file, '--allowed-signers', signers, '--data-dir', expertDir]);
    expect(rescored.sealed.final).toBe(submitted.finalScore);
    expect(rescored.rescored.score).toEqual(expect.any(Number));

    const out = join(work, 'report');
    const agg = json<{ summary: { bundles: { counted: number; failed: number }; failures: { code: string }[] } }>(['aggregate', bundles, '--out', out, '--allowed-signers', signers, '--organizer-key', organizer.pubPath]);
    expect(agg.summary.bundles).toMatchObject({ counted: 1, failed: 1 });
    expect(agg.summary.failures[0]!.code).toBe('BUNDLE_HASH_MISMATCH');
    for (const f of ['attempts.csv', 'summary.json', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('prefix_sum_mini');
    expect(readFileSync(join(out, 'attempts.csv'), 'utf8')).toContain(a.id);
  }, 400_000);
});
