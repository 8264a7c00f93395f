import { describe, expect, it } from 'vitest';
import { AttemptStates, canTransition, isActive } from './attempt';

describe('attempt state machine', () => {
  it('follows ready → running ⇄ paused → submitted → scored → sealed', () => {
    expect(canTransition('ready', 'running')).toBe(true);
    expect(canTransition('running', 'paused')).toBe(true);
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('running', 'submitted')).toBe(true);
    expect(canTransition('submitted', 'scored')).toBe(true);
    expect(canTransition('scored', 'sealed')).toBe(true);
  });
  it('expires from running or paused and is then scored', () => {
    expect(canTransition('running', 'expired')).toBe(true);
    expect(canTransition('paused', 'expired')).toBe(true);
    expect(canTransition('expired', 'scored')).toBe(true);
  });
  it('never goes back once submitted, and sealed is final', () => {
    for (const s of AttemptStates) {
      expect(canTransition('submitted', s)).toBe(s === 'scored');
      expect(canTransition('sealed', s)).toBe(false);
    }
    expect(canTransition('ready', 'submitted')).toBe(false);
    expect(isActive('running') && isActive('paused') && !isActive('scored')).toBe(true);
  });
});
