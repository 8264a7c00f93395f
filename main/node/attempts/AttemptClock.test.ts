import { describe, expect, it } from 'vitest';
import { AttemptClock } from './AttemptClock';
import { FakeClock } from './testKit';

const MIN = 60_000;

describe('AttemptClock', () => {
  it('counts running time only: a pause stops it, resume goes on', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'held');
    c.advance(10 * MIN);
    clock.pause();
    c.advance(5 * MIN);
    expect(clock.elapsedMs()).toBe(10 * MIN);
    expect(clock.pauseUsedMs()).toBe(5 * MIN);
    clock.resume();
    c.advance(1 * MIN);
    expect(clock.elapsedMs()).toBe(11 * MIN);
  });

  it('ignores the wall clock: setting it back or forward changes nothing', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'free');
    c.advance(MIN);
    c.wall -= 3 * 3600_000;
    expect(clock.elapsedMs()).toBe(MIN);
    clock.fold();
    c.wall += 24 * 3600_000;
    expect(clock.elapsedMs()).toBe(MIN);
  });

  it('held: a new process resumes from the last heartbeat; the downtime is recorded, not counted', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'held');
    c.advance(20 * MIN);
    clock.fold(); // heartbeat, persisted
    const persisted = clock.state;
    c.advance(400); // the host is killed before its next heartbeat
    c.advance(30 * MIN); // nobody runs for half an hour
    const next = new AttemptClock(persisted, c);
    const { recovery } = next.adopt('held');
    expect(next.elapsedMs()).toBe(20 * MIN);
    expect(recovery).toMatchObject({ reason: 'holder-died', atElapsedMs: 20 * MIN, gapWallMs: 30 * MIN + 400 });
    c.advance(MIN);
    expect(next.elapsedMs()).toBe(21 * MIN);
  });

  it('free: time runs between processes within a boot', () => {
    const c = new FakeClock();
    const persisted = AttemptClock.started(c, 'free').state;
    c.advance(45 * MIN);
    const next = new AttemptClock(persisted, c);
    expect(next.elapsedMs()).toBe(45 * MIN);
    expect(next.adopt('free').recovery).toBeUndefined();
    expect(next.elapsedMs()).toBe(45 * MIN);
  });

  it('free: another boot freezes the clock at what was folded, then it runs again', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'free');
    c.advance(10 * MIN);
    clock.fold();
    const persisted = clock.state;
    c.advance(5 * MIN);
    c.reboot(60 * MIN);
    const next = new AttemptClock(persisted, c);
    expect(next.elapsedMs()).toBe(10 * MIN);
    expect(next.adopt('free').recovery).toMatchObject({ reason: 'reboot', atElapsedMs: 10 * MIN });
    c.advance(MIN);
    expect(next.elapsedMs()).toBe(11 * MIN);
  });

  it('a pause that reaches the budget turns back into attempt time', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'held', { pauseBudgetMs: 10 * MIN });
    c.advance(MIN);
    clock.pause();
    c.advance(12 * MIN);
    expect(clock.pauseUsedMs()).toBe(10 * MIN);
    expect(clock.elapsedMs()).toBe(3 * MIN);
    expect(clock.running).toBe(true);
    const { autoResumed } = clock.fold();
    expect(autoResumed?.wallMs).toBe(c.wall - 2 * MIN);
  });

  it('stop clamps to the time limit', () => {
    const c = new FakeClock();
    const clock = AttemptClock.started(c, 'held');
    c.advance(61 * MIN);
    clock.stop(60 * MIN);
    c.advance(MIN);
    expect(clock.elapsedMs()).toBe(60 * MIN);
    expect(clock.running).toBe(false);
  });
});
