/**
 * The task-standard bridge end to end through createServices: a METR task family (test/fixtures/taskfamily_demo)
 * started, scored and submitted like any environment, plus a family that misbehaves in each way the bridge names.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../services';
import { silentLogger } from '../systemClock';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/taskfamily_demo', import.meta.url));

let root: string;
let svc: Services | undefined;
const installLog = () => join(root, 'install.log');
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'redesk-taskstd-'));
  cpSync(FIXTURE, join(root, 'envs', 'taskfamily_demo'), { recursive: true });
  process.env.DEMO_INSTALL_LOG = installLog();
});
afterEach(async () => {
  await svc?.dispose();
  svc = undefined;
});
afterAll(async () => {
  delete process.env.DEMO_INSTALL_LOG;
  await rm(root, { recursive: true, force: true });
});

async function services(name: string): Promise<Services> {
  svc = await createServices({ dataDir: join(root, name), mode: 'cli', logger: silentLogger, paths: { envDirs: [join(root, 'envs')] } });
  return svc;
}

describe('task-standard bridge', () => {
  it('count task: instructions from get_instructions, install once, start in the workspace, Score = intermediate_score, final = aggregate_scores', async () => {
    const { api } = await services('data-count');
    const detail = await api.envGet('taskfamily_demo');
    expect(detail.instructionsMarkdown).toContain('# Count');
    expect(detail.variantDetails?.map((v) => v.name)).toEqual(['count', 'guess']);

    const a = await api.attemptStart('taskfamily_demo', { variant: 'count' });
    // start(t) ran with the workspace as home and working directory.
    expect(readFileSync(join(a.workspace, 'task.txt'), 'utf8')).toBe(`task count started in ${a.workspace}\n`);
    expect(readFileSync(join(a.workspace, 'answer.txt'), 'utf8')).toBe('0\n');
    expect(readFileSync(installLog(), 'utf8')).toBe('installed\n');

    const first = await api.attemptScore(a.id);
    expect(first).toMatchObject({ score: 0, message: '{"value": 0}', details: { target: 42 } });
    await api.fsWrite(a.id, 'answer.txt', '40\n');
    const second = await api.attemptScore(a.id);
    expect(second.score).toBeCloseTo(1 - 2 / 42, 10);
    await api.fsWrite(a.id, 'answer.txt', '30\n');
    expect((await api.attemptScore(a.id)).score).toBeCloseTo(1 - 12 / 42, 10);

    const done = await api.attemptSubmit(a.id);
    expect(done.state).toBe('sealed');
    // aggregate_scores: the best of every intermediate score, the final run's included.
    expect(done.finalScore).toBeCloseTo(1 - 2 / 42, 10);
    expect(done.scores.at(-1)).toMatchObject({ message: 'aggregate of 4 intermediate score(s)', details: { taskstd: 'aggregate_scores', intermediate: 4 } });

    // A second attempt on the same machine does not install again.
    await api.attemptStart('taskfamily_demo', { variant: 'count' });
    expect(readFileSync(installLog(), 'utf8')).toBe('installed\n');
  });

  it('guess task: no intermediate scoring; submit scores submission.txt with score(t, submission)', async () => {
    const { api } = await services('data-guess');
    const a = await api.attemptStart('taskfamily_demo', { variant: 'guess' });
    expect(a.envTitle).toBe('Task-standard demo family');
    const row = await api.attemptScore(a.id);
    expect(row).toMatchObject({ score: null, message: expect.stringContaining('scored once, when you submit') });
    expect(row.errorCode).toBeUndefined();
    await api.fsWrite(a.id, 'submission.txt', 'Paris\n');
    const done = await api.attemptSubmit(a.id);
    expect(done.finalScore).toBe(1);
    expect(done.normalizedScore).toBe(1);
    expect(done.scores.at(-1)).toMatchObject({ score: 1, details: { taskstd: 'score' } });
  });

  it('a family that misbehaves: clear codes for a missing task, a missing method, an exception and a bad return', async () => {
    const envDir = join(root, 'envs', 'broken_family');
    mkdirSync(join(envDir, 'fam'), { recursive: true });
    mkdirSync(join(envDir, 'starter'), { recursive: true });
    writeFileSync(join(envDir, 'starter', 'x.txt'), 'x');
    writeFileSync(join(envDir, 'README.md'), 'broken');
    const spec = JSON.parse(readFileSync(join(FIXTURE, 'env.json'), 'utf8'));
    writeFileSync(
      join(envDir, 'env.json'),
      JSON.stringify({
        ...spec,
        id: 'broken_family',
        taskstd: { family: 'fam', task: 'ok' },
        scorer: { ...spec.scorer, files: ['fam/fam.py'] },
        variants: { ok: {}, ghost: { taskstd: { task: 'ghost' } }, raises: { taskstd: { task: 'raises' } }, bad: { taskstd: { task: 'bad' } } },
        defaultVariant: 'ok',
      }),
    );
    writeFileSync(
      join(envDir, 'fam', 'fam.py'),
      `class TaskFamily:
    @staticmethod
    def get_tasks():
        return {"ok": {"n": "ok"}, "raises": {"n": "raises"}, "bad": {"n": "bad"}}
    @staticmethod
    def get_instructions(t):
        return "do " + t["n"]
    @staticmethod
    def start(t):
        if t["n"] == "raises":
            raise RuntimeError("start exploded")
    @staticmethod
    def intermediate_score(t):
        if t["n"] == "bad":
            return "not a dict"
        return {"score": 0.5, "message": {}, "details": {}}
`,
    );
    const { api } = await services('data-broken');
    expect((await api.envGet('broken_family')).instructionsMarkdown).toBe('do ok');
    await expect(api.attemptStart('broken_family', { variant: 'ghost' })).rejects.toMatchObject({ code: 'TASKSTD_TASK_NOT_FOUND' });
    await expect(api.attemptStart('broken_family', { variant: 'raises' })).rejects.toMatchObject({
      code: 'TASKSTD_FAILED',
      message: expect.stringContaining('RuntimeError: start exploded'),
    });
    // A refused start leaves no attempt.
    expect(await api.attemptList()).toEqual([]);

    const bad = await api.attemptStart('broken_family', { variant: 'bad' });
    expect(await api.attemptScore(bad.id)).toMatchObject({ score: null, errorCode: 'TASKSTD_BAD_RETURN' });

    // Submitting "ok": intermediate scoring but neither aggregate_scores nor score: the final run says which is missing.
    const ok = await api.attemptStart('broken_family', { variant: 'ok' });
    expect(await api.attemptScore(ok.id)).toMatchObject({ score: 0.5 });
    const done = await api.attemptSubmit(ok.id);
    expect(done.scores.at(-1)).toMatchObject({ score: null, errorCode: 'TASKSTD_METHOD_MISSING' });
    expect(existsSync(join(root, 'data-broken', 'cache', 'taskstd'))).toBe(false);
  });
});
