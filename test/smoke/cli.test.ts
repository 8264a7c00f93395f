/**
 * Headless smoke test: the built CLI under plain node (no Electron anywhere), as a script or an agent uses it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');

function redesk(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);

describe('redesk CLI under plain node', () => {
  it('lists its commands', () => {
    const r = redesk(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'serve', 'env', 'attempt', 'preflight']) expect(r.stdout).toContain(cmd);
    expect(redesk(['attempt', '--help']).stdout).toMatch(/start[\s\S]*status[\s\S]*score[\s\S]*pause[\s\S]*resume[\s\S]*submit/);
  });

  it('never loads electron', () => {
    const bundle = readFileSync(join(root, 'dist', 'cli', 'index.js'), 'utf8');
    expect(bundle).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
  });

  it('lists the shipped environment as JSON', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-smoke-'));
    const r = redesk(['env', 'list', '--json', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; error?: unknown }[];
    const env = list.find((e) => e.id === 'prefix_sum_mini');
    expect(env).toBeDefined();
    expect(env!.error).toBeUndefined();
  });

  it('checks an environment folder, and names the bad field in a broken one', () => {
    expect(redesk(['env', 'check', 'envs/prefix_sum_mini']).code).toBe(0);
    const broken = mkdtempSync(join(tmpdir(), 'redesk-badenv-'));
    cpSync(join(root, 'envs', 'prefix_sum_mini'), broken, { recursive: true });
    const spec = JSON.parse(readFileSync(join(broken, 'env.json'), 'utf8'));
    spec.scorer.timeoutSeconds = 'soon';
    writeFileSync(join(broken, 'env.json'), JSON.stringify(spec));
    const r = redesk(['env', 'check', broken, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; issues: string[] };
    expect(report.ok).toBe(false);
    expect(report.issues.join('\n')).toContain('scorer.timeoutSeconds');
  });

  it('runs a headless attempt: start, status, score, submit', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-smoke-'));
    const started = redesk(['attempt', 'start', 'prefix_sum_mini', '--json', '--data-dir', dataDir]);
    expect(started.code, started.stderr).toBe(0);
    const a = JSON.parse(started.stdout) as { id: string; dir: string; workspace: string; state: string };
    expect(a.state).toBe('running');
    expect(existsSync(join(a.workspace, 'solution.py'))).toBe(true);
    expect(a.dir.startsWith(dataDir)).toBe(true);

    const status = JSON.parse(redesk(['attempt', 'status', a.id, '--json', '--data-dir', dataDir]).stdout);
    expect(status.id).toBe(a.id);

    cpSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'), join(a.workspace, 'solution.py'));
    const scored = redesk(['attempt', 'score', a.id, '--json', '--data-dir', dataDir]);
    expect(scored.code, scored.stderr).toBe(0);
    const row = JSON.parse(scored.stdout) as { score: number; normalized: number; message: string; elapsedMs: number };
    expect(row.score).toEqual(expect.any(Number));
    expect(row.normalized).toBeGreaterThan(0.5);
    expect(row.elapsedMs).toBeGreaterThan(0);

    const submitted = JSON.parse(redesk(['attempt', 'submit', a.id, '--json', '--data-dir', dataDir]).stdout);
    // Scored, then sealed into the signed bundle that an organizer verifies.
    expect(submitted.state).toBe('sealed');
    expect(submitted.finalScore).toEqual(expect.any(Number));
    expect(submitted.normalizedScore).toBeGreaterThan(0.5);
    expect(existsSync(submitted.bundle.file)).toBe(true);
  }, 240_000);

  it('gives a stable code for an unknown attempt', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-smoke-'));
    const r = redesk(['attempt', 'status', 'nope', '--json', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('ATTEMPT_NOT_FOUND');
  });
});
