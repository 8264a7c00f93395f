import type { TerminalTab } from '../store/types';
import type { TerminalSession } from './TerminalSession';

/**
 * Terminals per attempt for the life of the page: leaving an attempt for the home view and coming back finds its
 * shells, scrollback and tabs as they were.
 */
export interface AttemptTerminals {
  tabs: TerminalTab[];
  active: number;
  nextN: number;
  sessions: Map<number, TerminalSession>;
}

const byAttempt = new Map<string, AttemptTerminals>();

export function terminalsOf(attemptId: string): AttemptTerminals {
  let t = byAttempt.get(attemptId);
  if (!t) byAttempt.set(attemptId, (t = { tabs: [], active: 0, nextN: 1, sessions: new Map() }));
  return t;
}

export function sessionOf(attemptId: string, n: number): TerminalSession | undefined {
  return byAttempt.get(attemptId)?.sessions.get(n);
}
