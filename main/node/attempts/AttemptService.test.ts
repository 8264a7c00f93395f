import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptInfo, ScoreRow } from '../../common/attempt';
import { readJsonLines } from '../store/jsonLines';
import { disposeServices, makeEnv, makeService, quietLogger } from './testKit';

afterEach(() => disposeServices());

const MIN = 60_000;
const code = (p: Promise<unknown>) => p.then(() => 'no error', (e) => e.code);
const logRows = async (dir: string) => (await readJsonLines(join(dir, 'scores.jsonl'))).values as ScoreRow[];
const stateOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));

describe('AttemptService: start', () => {
  it('makes the attempt folder with the starter copied, an empty score log and a running state', async () => {
    const k = await makeService();
    const info = await k.svc.start('tiny_env');
    expect(info.id).toMatch(/^tiny_env-20261130T010203-[0-9a-f]{4}$/);
    expect(info).toMatchObject({ state: 'running', elapsedMs: 0, remainingMs: 60 * MIN, clockRunning: true, baseline: { start: 10, reference: 2, source: 'fixed' } });
    expect(info.dir).toBe(join(k.dataDir, 'attempts', info.id));
    expect((await readdir(info.dir)).sort()).toEqual(['events', 'scorer-cache', 'scores.jsonl', 'scratch', 'state.json', 'workspace']);
    expect(await readFile(join(info.workspace, 'answer.txt'), 'utf8')).toBe('8\n');
    expect((await stat(join(info.workspace, 'run.sh'))).mode & 0o111).not.toBe(0);
    expect(await stateOf(info.dir)).toMatchObject({ state: 'running', envHash: 'env-hash', scorerHash: 'scorer-hash', clock: { running: true, mode: 'held' } });
    expect(await k.svc.list()).toMatchObject([{ id: info.id, state: 'running' }]);
    expect(k.events.filter((e) => e.name === 'attempt.changed')).toHaveLength(1);
  });

  it('stores the preflight report with the attempt', async () => {
    const k = await makeService();
    const { AttemptService } = await import('./AttemptService');
    const report = { envId: 'tiny_env', ready: true, checks: [], machine: { platform: 'linux', arch: 'x64', cpuModel: 'x', cpus: 1, ramGiB: 1, freeDiskGiB: 1, gpus: [] }, checkedAt: 'now' };
    const svc = new AttemptService({ dataDir: k.dataDir, envs: k.env.source, scorer: k.scorer, clock: k.clock, logger: quietLogger, emit: () => {}, mode: 'free', preflight: async () => report });
    await svc.init();
    const info = await svc.start('tiny_env');
    expect(info.preflight).toEqual(report);
    expect((await stateOf(info.dir)).preflight).toEqual(report);
    await svc.dispose();
  });

  it('an unknown environment is refused and leaves nothing behind', async () => {
    const k = await makeService();
    expect(await code(k.svc.start('no_such_env'))).toBe('ENV_NOT_FOUND');
    expect(await readdir(join(k.dataDir, 'attempts'))).toEqual([]);
  });
});

describe('AttemptService: state machine', () => {
  it('refuses illegal transitions with ATTEMPT_BAD_STATE and changes nothing', async () => {
    const k = await makeService();
    const { id, dir } = await k.svc.start('tiny_env');
    expect(await code(k.svc.resume(id))).toBe('ATTEMPT_BAD_STATE');
    await k.svc.pause(id, 'lunch');
    expect(await code(k.svc.pause(id, 'again'))).toBe('ATTEMPT_BAD_STATE');
    await k.svc.resume(id);
    const done = await k.svc.submit(id);
    expect(done.state).toBe('scored');
    const before = await readFile(join(dir, 'state.json'), 'utf8');
    for (const op of [k.svc.submit(id), k.svc.pause(id, 'x'), k.svc.resume(id), k.svc.score(id)]) expect(await code(op)).toBe('ATTEMPT_BAD_STATE');
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('an unknown or malformed id is ATTEMPT_NOT_FOUND', async () => {
    const k = await makeService();
    expect(await code(k.svc.status('tiny_env-20261130T010203-ffff'))).toBe('ATTEMPT_NOT_FOUND');
    expect(await code(k.svc.status('../../etc'))).toBe('ATTEMPT_NOT_FOUND');
  });

  it('after submit the workspace is read-only', async () => {
    const k = await makeService();
    const { id, workspace } = await k.svc.start('tiny_env');
    await k.svc.submit(id);
    expect(await code(k.svc.workspace(id).write('answer.txt', '1'))).toBe('ATTEMPT_BAD_STATE');
    expect(await readFile(join(workspace, 'answer.txt'), 'utf8')).toBe('8\n');
  });
});

describe('AttemptService: scoring', () => {
  it('logs durable, normalized rows with the attempt time of the request', async () => {
    const k = await makeService();
    const { id, dir } = await k.svc.start('tiny_env');
    k.clock.advance(7 * MIN);
    const first = await k.svc.score(id);
    // start 10, reference 2: 8 is a quarter of the way.
    expect(first).toMatchObject({ n: 1, score: 8, normalized: 0.25, message: 'ok', elapsedMs: 7 * MIN, details: { answer: 8 } });
    expect(await logRows(dir)).toEqual([first]);
    await k.svc.workspace(id).write('answer.txt', '2');
    k.clock.advance(MIN);
    const second = await k.svc.score(id);
    expect(second).toMatchObject({ n: 2, score: 2, normalized: 1, elapsedMs: 8 * MIN });
    expect((await k.svc.status(id)).scores).toEqual([first, second]);
  });

  it('runs the scorer on the workspace with the attempt cache and a fresh scratch folder it removes', async () => {
    const k = await makeService();
    const { id, dir, workspace } = await k.svc.start('tiny_env');
    await k.svc.score(id);
    await k.svc.score(id);
    const [a, b] = k.scorer.calls;
    expect(a!.workspaceDir).toBe(workspace);
    expect(a!.cacheDir).toBe(join(dir, 'scorer-cache'));
    expect(a!.scratchDir.startsWith(join(dir, 'scratch'))).toBe(true);
    expect(a!.scratchDir).not.toBe(b!.scratchDir);
    expect(await readdir(join(dir, 'scratch'))).toEqual([]);
  });

  it('a crashing, garbled or throwing scorer gives a null row with a code; the attempt goes on', async () => {
    const k = await makeService();
    const { id, dir } = await k.svc.start('tiny_env');
    const ws = k.svc.workspace(id);
    await ws.write('answer.txt', 'crash');
    expect(await k.svc.score(id)).toMatchObject({ score: null, normalized: null, errorCode: 'SCORER_CRASHED' });
    await ws.write('answer.txt', 'garbage');
    expect(await k.svc.score(id)).toMatchObject({ score: null, errorCode: 'SCORER_BAD_OUTPUT' });
    k.scorer.throwNext = new Error('runner bug');
    expect(await k.svc.score(id)).toMatchObject({ score: null, errorCode: 'SCORER_CRASHED', message: expect.stringContaining('runner bug') });
    await ws.write('answer.txt', '6');
    expect(await k.svc.score(id)).toMatchObject({ n: 4, score: 6 });
    expect((await logRows(dir)).map((r) => r.errorCode ?? r.score)).toEqual(['SCORER_CRASHED', 'SCORER_BAD_OUTPUT', 'SCORER_CRASHED', 6]);
    expect((await k.svc.status(id)).state).toBe('running');
  });

  it('serializes concurrent score requests on one attempt', async () => {
    const k = await makeService();
    const { id } = await k.svc.start('tiny_env');
    const rows = await Promise.all([k.svc.score(id), k.svc.score(id), k.svc.score(id)]);
    expect(k.scorer.maxRunning).toBe(1);
    expect(rows.map((r) => r.n).sort()).toEqual([1, 2, 3]);
  });

  it('a calibrated env takes its baseline from the first result that reports one and keeps it', async () => {
    const env = await makeEnv({ score: { direction: 'min', aggregate: 'best', baseline: 'calibrated' } }, { calibrate: true });
    const k = await makeService({ env });
    const started = await k.svc.start('tiny_env');
    expect(started.baseline).toBeUndefined();
    const row = await k.svc.score(started.id);
    expect(row.normalized).toBeCloseTo(0.25);
    expect((await stateOf(started.dir)).baseline).toEqual({ start: 10, reference: 2, source: 'calibrated' });
  });

  it('a full disk while logging a score says DISK_FULL and keeps the earlier rows', async () => {
    let full = false;
    const k = await makeService({
      appendOpts: {
        writeData: async (fh, data) => {
          if (full) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
          await fh.write(data);
        },
      },
    });
    const { id, dir } = await k.svc.start('tiny_env');
    const first = await k.svc.score(id);
    full = true;
    const err = await k.svc.score(id).catch((e) => e);
    expect(err.code).toBe('DISK_FULL');
    expect(await logRows(dir)).toEqual([first]);
    full = false;
    expect((await k.svc.score(id)).n).toBe(2);
  });

  it('hides score values where the environment says so, logging them anyway, and shows them once scored', async () => {
    const env = await makeEnv({ scorer: { argv: ['sh', 'score.sh'], visibleToExpert: false } });
    const k = await makeService({ env });
    const { id, dir } = await k.svc.start('tiny_env');
    const row = await k.svc.score(id);
    expect(row).toMatchObject({ score: null, normalized: null, message: 'hidden by the environment' });
    expect((await k.svc.status(id)).scores[0]).toMatchObject({ score: null, message: 'hidden by the environment' });
    expect((await logRows(dir))[0]).toMatchObject({ score: 8, normalized: 0.25 });
    const done = await k.svc.submit(id);
    expect(done.scores[0]).toMatchObject({ score: 8 });
    expect(done.finalScore).toBe(8);
  });
});

describe('AttemptService: submit', () => {
  it('scores the submitted workspace once more and aggregates the whole log', async () => {
    const k = await makeService();
    const { id, dir } = await k.svc.start('tiny_env');
    const ws = k.svc.workspace(id);
    await ws.write('answer.txt', '3');
    await k.svc.score(id);
    await ws.write('answer.txt', '5');
    k.clock.advance(10 * MIN);
    const changes: AttemptInfo[] = [];
    k.events.length = 0;
    const done = await k.svc.submit(id);
    for (const e of k.events) if (e.name === 'attempt.changed') changes.push(e.payload as AttemptInfo);
    expect(changes.map((c) => c.state)).toEqual(['submitted', 'scored']);
    // best of min over [3, 5]; the final row is 5 at 10 minutes.
    expect(done).toMatchObject({ state: 'scored', finalScore: 3, normalizedScore: 0.875, elapsedMs: 10 * MIN, clockRunning: false });
    expect((await logRows(dir)).map((r) => [r.score, r.elapsedMs])).toEqual([
      [3, 0],
      [5, 10 * MIN],
    ]);
    expect(await stateOf(dir)).toMatchObject({ state: 'scored', finalScore: 3, normalizedScore: 0.875 });
    expect(await k.svc.list()).toMatchObject([{ id, state: 'scored', finalScore: 3 }]);
  });

  it('aggregate "last" takes the last valid score, ignoring a failed final run', async () => {
    const env = await makeEnv({ score: { direction: 'max', aggregate: 'last', start: 0, reference: 10 } });
    const k = await makeService({ env });
    const { id } = await k.svc.start('tiny_env');
    await k.svc.workspace(id).write('answer.txt', '9');
    await k.svc.score(id);
    await k.svc.workspace(id).write('answer.txt', '4');
    await k.svc.score(id);
    await k.svc.workspace(id).write('answer.txt', 'crash');
    const done = await k.svc.submit(id);
    expect(done.finalScore).toBe(4);
    expect(done.normalizedScore).toBeCloseTo(0.4);
    expect(done.scores.at(-1)).toMatchObject({ score: null, errorCode: 'SCORER_CRASHED' });
  });
});

describe('AttemptService: damaged files', () => {
  it('a corrupt state.json is ATTEMPT_STATE_CORRUPT naming the file; nothing is deleted', async () => {
    const k = await makeService({ mode: 'free' });
    const { id, dir } = await k.svc.start('tiny_env');
    await k.svc.score(id);
    await writeFile(join(dir, 'state.json'), '{"version": 1, "id": ');
    const next = await k.restart();
    const err = await next.svc.status(id).catch((e) => e);
    expect(err.code).toBe('ATTEMPT_STATE_CORRUPT');
    expect(err.message).toContain(join(dir, 'state.json'));
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe('{"version": 1, "id": ');
    expect(await logRows(dir)).toHaveLength(1);
    // It is still listed, so the user can see it exists.
    expect((await next.svc.list()).map((a) => a.id)).toEqual([id]);
  });

  it('a corrupt index is moved aside and rebuilt from the attempt folders', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    k.clock.advance(1000);
    const b = await k.svc.start('tiny_env');
    await k.svc.submit(a.id);
    await k.svc.dispose();
    await writeFile(join(k.dataDir, 'redesk.json'), 'garbage{');
    const next = await k.restart();
    expect((await next.svc.list()).map((s) => [s.id, s.state]).sort()).toEqual(
      [
        [a.id, 'scored'],
        [b.id, 'running'],
      ].sort(),
    );
    expect((await readdir(k.dataDir)).some((f) => f.startsWith('redesk.json.corrupt-'))).toBe(true);
  });

  it('an index behind the folders (a crash between the two writes) is brought up to date', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    await k.svc.dispose();
    await writeFile(join(k.dataDir, 'redesk.json'), JSON.stringify({ settings: { keep: 1 }, attempts: [] }));
    const next = await k.restart();
    expect((await next.svc.list()).map((s) => s.id)).toEqual([a.id]);
    expect(JSON.parse(await readFile(join(k.dataDir, 'redesk.json'), 'utf8')).settings).toEqual({ keep: 1 });
  });
});
