import { isActive } from '../../../main/common/attempt';
import { getState, setState } from '../store/store';
import type { TerminalTab } from '../store/types';
import { TerminalSession } from '../terminal/TerminalSession';
import { sessionOf, terminalsOf } from '../terminal/terminalRegistry';
import { reportError } from './toasts';
import { recordPaste } from '../recording/editorRecording';

function patchTerminal(attemptId: string, n: number, patch: Partial<TerminalTab>): void {
  const saved = terminalsOf(attemptId);
  saved.tabs = saved.tabs.map((t) => (t.n === n ? { ...t, ...patch } : t));
  if (getState().attempt?.id === attemptId) {
    setState({ terminals: getState().terminals.map((t) => (t.n === n ? { ...t, ...patch } : t)) });
  }
}

export function newTerminal(): void {
  const attempt = getState().attempt;
  if (!attempt || !isActive(attempt.state)) return;
  const saved = terminalsOf(attempt.id);
  const n = getState().nextTerminalN;
  const attemptId = attempt.id;
  const session = new TerminalSession(attemptId, n, {
    onPty: (ptyId) => patchTerminal(attemptId, n, { ptyId }),
    onExit: (exitCode) => patchTerminal(attemptId, n, { exitCode }),
    onError: (e) => reportError(e, `Terminal ${n}`),
    onPaste: (text, ptyId) => recordPaste(attemptId, { target: 'terminal', ptyId }, text),
  });
  saved.sessions.set(n, session);
  const terminals = [...getState().terminals, { n }];
  setState({ terminals, activeTerminal: n, nextTerminalN: n + 1 });
  saved.tabs = terminals;
  saved.active = n;
  saved.nextN = n + 1;
}

export function showTerminal(n: number): void {
  setState({ activeTerminal: n });
  const attempt = getState().attempt;
  if (attempt) terminalsOf(attempt.id).active = n;
}

export function closeTerminal(n: number): void {
  const attempt = getState().attempt;
  if (!attempt) return;
  const saved = terminalsOf(attempt.id);
  saved.sessions.get(n)?.dispose(true);
  saved.sessions.delete(n);
  const terminals = getState().terminals.filter((t) => t.n !== n);
  const activeTerminal = getState().activeTerminal === n ? (terminals[terminals.length - 1]?.n ?? 0) : getState().activeTerminal;
  setState({ terminals, activeTerminal });
  saved.tabs = terminals;
  saved.active = activeTerminal;
}

/** Leaving the attempt view: the sessions stay alive in the registry. */
export function stashTerminals(): void {
  const attempt = getState().attempt;
  if (!attempt) return;
  const saved = terminalsOf(attempt.id);
  saved.tabs = getState().terminals;
  saved.active = getState().activeTerminal;
  saved.nextN = getState().nextTerminalN;
}

/** Entering the attempt view: bring back its terminals, or open a first one when the attempt is live. */
export function restoreTerminals(attemptId: string, live: boolean): void {
  const saved = terminalsOf(attemptId);
  setState({ terminals: saved.tabs, activeTerminal: saved.active, nextTerminalN: saved.nextN });
  if (saved.tabs.length === 0 && live) newTerminal();
}

export function focusTerminal(n: number): void {
  const attempt = getState().attempt;
  if (attempt) sessionOf(attempt.id, n)?.focus();
}
