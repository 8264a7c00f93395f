import { useEffect, useRef } from 'react';
import { useStore } from '../store/store';
import { currentPlayer, showTerminal } from './replayActions';

/** Terminal tabs at the playhead; the active one's xterm (kept by the player) is lent this container. */
export function ReplayTerminals() {
  const terminals = useStore((s) => s.replay?.terminals ?? []);
  const active = useStore((s) => s.replay?.activePty ?? null);
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => currentPlayer()?.panes.setViewport(el.clientWidth - 8, el.clientHeight - 8));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = host.current;
    const t = active ? currentPlayer()?.panes.terms.get(active) : undefined;
    if (!el) return;
    for (const child of [...el.children]) if (child !== t?.element) child.remove();
    if (t && t.element.parentElement !== el) el.appendChild(t.element);
  }, [active, terminals]);

  return (
    <div className="terminal-area replay-terminals">
      <div className="tabs" role="tablist">
        {terminals.map((t, i) => (
          <div
            key={t.ptyId}
            role="tab"
            aria-selected={t.ptyId === active}
            className={`tab${t.ptyId === active ? ' active' : ''}${t.exited ? ' exited' : ''}`}
            data-testid={`replay-terminal-tab-${i + 1}`}
            onClick={() => showTerminal(t.ptyId)}
            title={t.ptyId}
          >
            Terminal {i + 1}
            {t.exited ? ' (exited)' : ''}
          </div>
        ))}
        {terminals.length === 0 && <span className="muted pad small">No terminal open at this time.</span>}
      </div>
      <div className="replay-term-host" data-testid="replay-terminal" ref={host} />
    </div>
  );
}
