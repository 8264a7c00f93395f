/**
 * `redesk log` and `redesk keys` under plain node: verify an attempt's trajectory (and name where a tampered copy
 * breaks), export its terminals as asciicast, make and show the signing key.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKey } from '../../main/node/keys/keyStore';
import { EventLog } from '../../main/node/recorder/EventLog';
import { silentLogger, systemClock } from '../../main/node/systemClock';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);

describe('redesk keys', () => {
  it('makes the key once and shows its OpenSSH public key and SHA256 fingerprint', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-keys-'));
    const missing = redesk(['keys', 'show', '--data-dir', dataDir, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('KEY_NOT_FOUND');

    const made = redesk(['keys', 'init', '--role', 'organizer', '--data-dir', dataDir]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^ssh-ed25519 AAAA\S+ redesk-organizer\nSHA256:\S+\n/);
    const shown = JSON.parse(redesk(['keys', 'show', '--role', 'organizer', '--data-dir', dataDir, '--json']).stdout);
    expect(shown).toMatchObject({ role: 'organizer', created: false, publicKey: made.stdout.split('\n')[0], fingerprint: made.stdout.split('\n')[1] });
    expect(redesk(['keys', 'init', '--role', 'organizer', '--data-dir', dataDir]).stdout).toBe(made.stdout.replace(' made at ', ' kept at '));
    expect(redesk(['keys', 'show', '--role', 'root', '--data-dir', dataDir]).code).toBe(1);
  });
});

describe('redesk log', () => {
  it("verifies a headless attempt's log against the expert key, and names the first bad seq in a tampered copy", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-logsmoke-'));
    const started = redesk(['attempt', 'start', 'prefix_sum_mini', '--json', '--data-dir', dataDir]);
    expect(started.code, started.stderr).toBe(0);
    const a = JSON.parse(started.stdout) as { id: string; dir: string };
    expect(redesk(['attempt', 'pause', a.id, '--reason', 'phone call', '--data-dir', dataDir]).code).toBe(0);
    expect(redesk(['attempt', 'resume', a.id, '--data-dir', dataDir]).code).toBe(0);

    const pub = join(dataDir, 'keys', 'expert.pub');
    const ok = redesk(['log', 'verify', a.dir, '--public-key', pub]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: \d+ records/);
    const json = JSON.parse(redesk(['log', 'verify', a.dir, '--json']).stdout);
    expect(json).toMatchObject({ ok: true, attempt: a.id, unsealedRecords: 0 });
    expect(json.lastSeq).toBeGreaterThanOrEqual(4); // start, recovered, pause, recovered, resume

    // Another key: the checkpoints are not its.
    const other = mkdtempSync(join(tmpdir(), 'redesk-otherkey-'));
    redesk(['keys', 'init', '--data-dir', other]);
    expect(redesk(['log', 'verify', a.dir, '--public-key', join(other, 'keys', 'expert.pub')]).code).toBe(1);

    // A copy with the pause reason edited: the chain breaks at that record.
    const copy = mkdtempSync(join(tmpdir(), 'redesk-tampered-'));
    cpSync(a.dir, copy, { recursive: true });
    const seg = join(copy, 'events', 'events-000001.jsonl');
    const lines = readFileSync(seg, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"app.pause"'));
    lines[i] = lines[i]!.replace('phone call', 'phone calm');
    writeFileSync(seg, lines.join('\n'));
    const bad = redesk(['log', 'verify', copy]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('LOG_CHAIN_BROKEN');
    expect(bad.stdout).toContain(`first bad: seq ${i}`);
    const badJson = JSON.parse(redesk(['log', 'verify', copy, '--json']).stdout);
    expect(badJson).toMatchObject({ ok: false, firstBad: { seq: i, code: 'LOG_CHAIN_BROKEN' } });
  }, 120_000);

  it('exports each terminal as an asciicast v2 file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-logexport-'));
    redesk(['keys', 'init', '--data-dir', dataDir]);
    const dir = mkdtempSync(join(tmpdir(), 'redesk-attemptdir-'));
    const log = await EventLog.open({ attemptDir: dir, attemptId: 'smoke', key: await loadKey(dataDir, 'expert'), clock: systemClock(), logger: silentLogger });
    log.append('pty', 'pty.open', { ptyId: 'pty-1', cols: 90, rows: 20 }, 0);
    log.append('pty', 'pty.input', { ptyId: 'pty-1', data: 'ls\r' }, 500);
    log.append('pty', 'pty.output', { ptyId: 'pty-1', data: 'a.txt\r\n' }, 600);
    log.append('scorer', 'scorer.result', { id: 's1', score: 1.5, elapsedMs: 700 }, 700);
    await log.close();

    const out = join(dir, 'casts');
    const r = redesk(['log', 'export', dir, '--cast', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).casts).toHaveLength(1);
    expect(readdirSync(out)).toEqual(['pty-pty-1.cast']);
    const cast = readFileSync(join(out, 'pty-pty-1.cast'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(cast[0]).toMatchObject({ version: 2, width: 90, height: 20 });
    expect(cast.slice(1)).toEqual([
      [0.5, 'i', 'ls\r'],
      [0.6, 'o', 'a.txt\r\n'],
      [0.7, 'm', 'score: 1.5'],
    ]);
    expect(redesk(['log', 'export', dir]).code).toBe(1); // --cast is required
  });
});
