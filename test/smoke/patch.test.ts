/**
 * Smoke test of the built `redesk patch` commands: the worker-backed CLI gives the API's numbers, and bad input
 * leaves with its code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchingApi } from '../../main/node/patching/patchingApi';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'redesk.js');
const dataDir = mkdtempSync(join(tmpdir(), 'redesk-patch-smoke-'));

function redesk(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'node', 'patchWorker.js')) || !existsSync(join(root, 'dist', 'cli', 'index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });
  }
}, 120_000);

const api = patchingApi({ modelDirs: [join(root, 'resources', 'models')], emit: () => {}, engine: { inThread: true } });
const clean = 'a b c d e f a b c d e';
const corrupt = 'g h i j k l m n o p e';

describe('redesk patch (built CLI, ORT in its worker)', () => {
  it('sweep --json gives the same numbers as the API', async () => {
    const r = redesk(['patch', 'sweep', '--model', 'induction_handbuilt', '--clean', clean, '--corrupt', corrupt, '--metric', 'logit-diff', '--answers', 'f,g', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const cli = JSON.parse(r.stdout) as { cells: (number | null)[][]; senders: string[]; receivers: string[]; provider: string; clean: number };
    const ref = await api.patchSweep({ jobId: 's', modelId: 'induction_handbuilt', pairs: [{ clean, corrupt, answers: ['f', 'g'] }], metric: 'logit-diff' });
    expect(cli.senders).toEqual(ref.senders);
    expect(cli.receivers).toEqual(ref.receivers);
    expect(cli.provider).toBe('cpu');
    expect(cli.clean).toBeCloseTo(ref.clean, 6);
    cli.cells.forEach((row, i) => row.forEach((c, j) => (c === null ? expect(ref.cells[i]![j]).toBeNull() : expect(c).toBeCloseTo(ref.cells[i]![j]!, 6))));
    const human = redesk(['patch', 'sweep', '--model', join(root, 'resources/models/induction_handbuilt'), '--clean', clean, '--corrupt', corrupt, '--answers', 'f,g']);
    expect(human.stdout).toMatch(/L1H0\.k[\s\S]*\nL0H0\s+·/);
  });

  it('explain --paths --pairs gives the API proportion explained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redesk-patch-files-'));
    const paths = [['embed', 'L0H0', 'L1H0.k', 'logits'], ['embed', 'L1H0.q', 'logits'], ['embed', 'L1H0.v', 'logits']];
    const pairs = [{ clean, corrupt, answers: ['f', 'g'] }, { clean: 'h g f e d c b a h g f e d', corrupt: 'a b c i j k l m n o p a d', answers: ['c', 'a'] }];
    writeFileSync(join(dir, 'paths.json'), JSON.stringify(paths));
    writeFileSync(join(dir, 'pairs.json'), JSON.stringify(pairs));
    const r = redesk(['patch', 'explain', '--model', 'induction_handbuilt', '--paths', join(dir, 'paths.json'), '--pairs', join(dir, 'pairs.json'), '--metric', 'logit-diff', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ref = await api.patchExplain({ jobId: 'e', modelId: 'induction_handbuilt', pairs: pairs as never, metric: 'logit-diff', paths });
    expect((JSON.parse(r.stdout) as { proportionExplained: number }).proportionExplained).toBeCloseTo(ref.proportionExplained, 6);
    expect(ref.proportionExplained).toBeGreaterThan(0.95);
  });

  it('reports induction scores and leaves bad input with its code', () => {
    const ind = redesk(['patch', 'induction', '--model', 'induction_handbuilt', '--json']);
    expect(ind.code, ind.stderr).toBe(0);
    const scores = (JSON.parse(ind.stdout) as { scores: number[][] }).scores;
    expect(scores[1]![0]).toBeGreaterThan(0.3);
    const long = Array(40).fill('a').join(' ');
    const bad = redesk(['patch', 'sweep', '--model', 'induction_handbuilt', '--clean', long, '--corrupt', long, '--answers', 'a,b', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('PATCH_PROMPT_TOO_LONG');
    const unknown = redesk(['patch', 'sweep', '--model', 'no_such_model', '--clean', 'a', '--corrupt', 'b', '--answers', 'a,b']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('MODEL_NOT_FOUND');
  });

  it('lists the execution providers with what the API says about each (cpu always available)', async () => {
    const r = spawnSync(process.execPath, [bin, 'patch', 'providers', '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; available: boolean; reason?: string }[];
    expect(list.map((p) => p.name)).toEqual(['cpu', 'cuda', 'dml', 'coreml']);
    expect(list[0]).toEqual({ name: 'cpu', available: true });
    for (const p of list) if (!p.available) expect(p.reason).toMatch(/not (installed|built)/);
    expect(list).toEqual(await api.patchProviders());
  });
});
