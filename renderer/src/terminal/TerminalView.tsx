import { useEffect, useRef } from 'react';
import { sessionOf } from './terminalRegistry';

/**
 * Lends a container to a terminal session. Hidden tabs stay mounted (display: none) so their xterm keeps its
 * buffer and keeps taking output; it is refitted when shown again.
 */
export function TerminalView({ attemptId, n, visible }: { attemptId: string; n: number; visible: boolean }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const session = sessionOf(attemptId, n);
    const el = ref.current;
    if (!session || !el) return;
    session.mount(el);
    const ro = new ResizeObserver(() => session.resize());
    ro.observe(el);
    return () => ro.disconnect();
  }, [attemptId, n]);

  useEffect(() => {
    if (!visible) return;
    const session = sessionOf(attemptId, n);
    if (!session) return;
    session.resize();
    session.focus();
  }, [attemptId, n, visible]);

  return <div className="term-slot" data-testid={`terminal-${n}`} ref={ref} hidden={!visible} />;
}
