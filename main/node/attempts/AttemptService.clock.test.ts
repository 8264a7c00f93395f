import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../../common/attempt';
import { disposeServices, makeEnv, makeService, type ServiceKit } from './testKit';

afterEach(() => disposeServices());

const MIN = 60_000;
const code = (p: Promise<unknown>) => p.then(() => 'no error', (e) => e.code);
const stateOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
const warnings = (k: ServiceKit) => k.events.filter((e) => e.name === 'attempt.warning').map((e) => (e.payload as { minutesLeft: number }).minutesLeft);
const states = (k: ServiceKit) => k.events.filter((e) => e.name === 'attempt.changed').map((e) => (e.payload as AttemptInfo).state);

describe('the clock across restarts', () => {
  it('held: a killed host loses at most one heartbeat, and its downtime is not counted', async () => {
    const k = await makeService({ mode: 'held' });
    const { id, dir } = await k.svc.start('tiny_env');
    k.clock.advance(20 * MIN);
    await k.svc.tick();
    k.clock.advance(400); // killed before the next heartbeat: no dispose
    k.clock.advance(30 * MIN); // down for half an hour
    const next = await k.restart();
    const info = await next.svc.status(id);
    expect(info.elapsedMs).toBe(20 * MIN);
    expect(info.clockRunning).toBe(true);
    expect((await stateOf(dir)).recoveries).toMatchObject([{ reason: 'holder-died', atElapsedMs: 20 * MIN, gapWallMs: 30 * MIN + 400 }]);
    k.clock.advance(MIN);
    expect((await next.svc.status(id)).elapsedMs).toBe(21 * MIN);
  });

  it('held: dispose writes a last heartbeat, so a clean quit loses nothing', async () => {
    const k = await makeService({ mode: 'held' });
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(5 * MIN + 300);
    await k.svc.dispose();
    k.clock.advance(10 * MIN);
    expect((await (await k.restart()).svc.status(id)).elapsedMs).toBe(5 * MIN + 300);
  });

  it('free: time runs between CLI processes; a reboot freezes it at the last call', async () => {
    const k = await makeService({ mode: 'free' });
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(10 * MIN);
    expect((await (await k.restart()).svc.status(id)).elapsedMs).toBe(10 * MIN);
    k.clock.advance(5 * MIN);
    expect((await (await k.restart()).svc.status(id)).elapsedMs).toBe(15 * MIN);
    k.clock.advance(3 * MIN);
    k.clock.reboot(60 * MIN);
    const afterBoot = await k.restart();
    expect((await afterBoot.svc.status(id)).elapsedMs).toBe(15 * MIN);
    k.clock.advance(MIN);
    expect((await (await k.restart()).svc.status(id)).elapsedMs).toBe(16 * MIN);
  });

  it('a wall-clock change does not move attempt time', async () => {
    const k = await makeService({ mode: 'held' });
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(MIN);
    k.clock.wall -= 2 * 3600_000;
    await k.svc.tick();
    k.clock.wall += 5 * 3600_000;
    expect((await k.svc.status(id)).elapsedMs).toBe(MIN);
  });

  it('a CLI picking up an attempt whose host died does not count the downtime either', async () => {
    const k = await makeService({ mode: 'held' });
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(2 * MIN);
    await k.svc.tick();
    k.clock.advance(60 * MIN);
    const cli = await k.restart('free');
    expect((await cli.svc.status(id)).elapsedMs).toBe(2 * MIN);
    k.clock.advance(MIN);
    expect((await (await k.restart('free')).svc.status(id)).elapsedMs).toBe(3 * MIN);
  });
});

describe('pauses', () => {
  it('are refused where the environment forbids them', async () => {
    const env = await makeEnv({ pause: { allowed: false } });
    const k = await makeService({ env });
    const { id } = await k.svc.start('tiny_env');
    const err = await k.svc.pause(id, 'coffee').catch((e) => e);
    expect(err.code).toBe('PAUSE_NOT_ALLOWED');
    expect((await k.svc.status(id)).clockRunning).toBe(true);
  });

  it('stop the clock, are recorded with their reason, and resume by themselves when the budget runs out', async () => {
    const k = await makeService(); // budget: 10 minutes
    const { id, dir } = await k.svc.start('tiny_env');
    k.clock.advance(MIN);
    const paused = await k.svc.pause(id, 'lunch');
    expect(paused).toMatchObject({ state: 'paused', clockRunning: false, elapsedMs: MIN });
    k.clock.advance(4 * MIN);
    expect((await k.svc.status(id)).elapsedMs).toBe(MIN);
    const resumed = await k.svc.resume(id);
    expect(resumed.pauses).toMatchObject([{ reason: 'lunch', startedAtMs: MIN, durationMs: 4 * MIN, endedBy: 'expert' }]);
    expect(resumed.pause.usedMs).toBe(4 * MIN);

    await k.svc.pause(id, 'phone');
    k.clock.advance(8 * MIN); // 6 minutes of budget left: 2 minutes run as attempt time
    await k.svc.tick();
    const info = await k.svc.status(id);
    expect(info).toMatchObject({ state: 'running', clockRunning: true, elapsedMs: 3 * MIN });
    expect(info.pauses[1]).toMatchObject({ reason: 'phone', durationMs: 6 * MIN, endedBy: 'budget' });
    expect(states(k).slice(-1)).toEqual(['running']);
    expect(await code(k.svc.pause(id, 'again'))).toBe('PAUSE_BUDGET_EXHAUSTED');
    expect((await stateOf(dir)).pauses).toHaveLength(2);
  });

  it('a pause survives a restart and the downtime uses none of the budget', async () => {
    const k = await makeService();
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(MIN);
    await k.svc.pause(id, 'lunch');
    k.clock.advance(MIN);
    await k.svc.tick();
    k.clock.advance(60 * MIN);
    const next = await k.restart();
    expect(await next.svc.status(id)).toMatchObject({ state: 'paused', elapsedMs: MIN, pause: { usedMs: MIN } });
    expect((await next.svc.resume(id)).state).toBe('running');
  });
});

describe('warnings and expiry', () => {
  it('warn at 30 and 5 minutes left, each once, even across a restart', async () => {
    const env = await makeEnv({ timeLimitMinutes: 40 });
    const k = await makeService({ env });
    const { id } = await k.svc.start('tiny_env');
    k.clock.advance(9 * MIN);
    await k.svc.tick();
    expect(warnings(k)).toEqual([]);
    k.clock.advance(MIN);
    await k.svc.tick();
    await k.svc.tick();
    expect(warnings(k)).toEqual([30]);
    const next = await k.restart();
    k.clock.advance(20 * MIN);
    await next.svc.tick();
    expect(warnings(next)).toEqual([]);
    k.clock.advance(5 * MIN);
    await next.svc.tick();
    expect(warnings(next)).toEqual([5]);
    expect((await next.svc.status(id)).remainingMs).toBe(5 * MIN);
  });

  it('skip warnings already past at start', async () => {
    const env = await makeEnv({ timeLimitMinutes: 20 });
    const k = await makeService({ env });
    await k.svc.start('tiny_env');
    k.clock.advance(16 * MIN);
    await k.svc.tick();
    expect(warnings(k)).toEqual([5]);
  });

  it('held: when time runs out the workspace is submitted as it stands and scored', async () => {
    const env = await makeEnv({ timeLimitMinutes: 40 });
    const k = await makeService({ env });
    const { id, dir } = await k.svc.start('tiny_env');
    await k.svc.workspace(id).write('answer.txt', '4');
    k.clock.advance(40 * MIN + 200);
    await k.svc.tick();
    await expect.poll(async () => (await k.svc.status(id)).state).toBe('scored');
    const info = await k.svc.status(id);
    expect(info).toMatchObject({ elapsedMs: 40 * MIN, remainingMs: 0, finalScore: 4, normalizedScore: 0.75 });
    expect(info.scores).toMatchObject([{ score: 4, elapsedMs: 40 * MIN }]);
    expect(states(k)).toEqual(['running', 'expired', 'scored']);
    expect((await stateOf(dir)).expiredLateByMs).toBe(200);
    expect(await code(k.svc.workspace(id).write('answer.txt', '1'))).toBe('ATTEMPT_BAD_STATE');
    expect(await code(k.svc.score(id))).toBe('ATTEMPT_BAD_STATE');
  });

  it('free: the next CLI call finds the time run out, submits and scores before answering', async () => {
    const env = await makeEnv({ timeLimitMinutes: 40 });
    const k = await makeService({ env, mode: 'free' });
    const { id, dir } = await k.svc.start('tiny_env');
    k.clock.advance(50 * MIN);
    const info = await (await k.restart()).svc.status(id);
    expect(info).toMatchObject({ state: 'scored', elapsedMs: 40 * MIN, finalScore: 8 });
    expect((await stateOf(dir)).expiredLateByMs).toBe(10 * MIN);
  });

  it('a final scoring cut short by quitting runs again at the next start; no row is logged for the cut one', async () => {
    const k = await makeService();
    const { id, dir } = await k.svc.start('tiny_env');
    await k.svc.score(id);
    k.scorer.hang = true;
    const submitted = k.svc.submit(id).catch((e) => e);
    await expect.poll(() => k.scorer.calls.length).toBe(2);
    await k.svc.dispose();
    expect((await submitted).code).toBe('INTERNAL');
    expect((await stateOf(dir)).state).toBe('submitted');
    const next = await k.restart();
    await expect.poll(async () => (await next.svc.status(id)).state).toBe('scored');
    expect((await next.svc.status(id)).scores.map((r) => r.score)).toEqual([8, 8]);
  });
});
