/**
 * Hooks for `npm run bench`, installed only when the page URL asks for them (`?bench=1`): the bench measures the
 * real terminal path (pty host → transport → xterm) against xterm alone in the same page, which needs both the
 * live terminals and the Terminal class. Nothing here is reachable in normal use.
 */
import { Terminal } from '@xterm/xterm';
import { sessionOf } from '../terminal/terminalRegistry';

export interface BenchHooks {
  Terminal: typeof Terminal;
  terminal(attemptId: string, n: number): Terminal | undefined;
}

export function installBenchHooks(): void {
  if (new URLSearchParams(window.location.search).get('bench') !== '1') return;
  const hooks: BenchHooks = { Terminal, terminal: (attemptId, n) => sessionOf(attemptId, n)?.term };
  (window as unknown as { __redeskBench: BenchHooks }).__redeskBench = hooks;
}
