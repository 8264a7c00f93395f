import { isActive } from '../../../main/common/attempt';
import type { PtyAttachment } from '../../../main/common/api';
import { api } from '../api/client';
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

/** Opens a tab on a new shell, or (`attach`) on a shell that is already running. */
export function newTerminal(attach?: PtyAttachment): void {
  const attempt = getState().attempt;
  if (!attempt || !isActive(attempt.state)) return;
  const saved = terminalsOf(attempt.id);
  const n = getState().nextTerminalN;
  const attemptId = attempt.id;
  const session = new TerminalSession(
    attemptId,
    n,
    {
      onPty: (ptyId) => patchTerminal(attemptId, n, { ptyId }),
      onExit: (exitCode) => patchTerminal(attemptId, n, { exitCode }),
      onError: (e) => reportError(e, `Terminal ${n}`),
      onPaste: (text, ptyId) => recordPaste(attemptId, { target: 'terminal', ptyId }, text),
    },
    attach,
  );
  saved.sessions.set(n, session);
  const terminals = [...getState().terminals, attach ? { n, ptyId: attach.ptyId } : { n }];
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

/**
 * Entering the attempt view: bring back its terminals; when this page has none (it was reloaded), take up the shells
 * still running on the host; and when there are none, open a first one while the attempt is live.
 */
export async function restoreTerminals(attemptId: string, live: boolean): Promise<void> {
  const saved = terminalsOf(attemptId);
  setState({ terminals: saved.tabs, activeTerminal: saved.active, nextTerminalN: saved.nextN });
  if (saved.tabs.length > 0 || !live) return;
  let running: PtyAttachment[] = [];
  try {
    running = (await api.ptyReattach(attemptId)).filter((p) => p.owner === 'user');
  } catch (e) {
    reportError(e, 'Could not take up the running terminals');
  }
  // The expert may have left the attempt, or opened a tab, while the host answered.
  if (getState().attempt?.id !== attemptId || terminalsOf(attemptId).tabs.length > 0) return;
  if (running.length === 0) newTerminal();
  for (const p of running) newTerminal(p);
}

export function focusTerminal(n: number): void {
  const attempt = getState().attempt;
  if (attempt) sessionOf(attempt.id, n)?.focus();
}
