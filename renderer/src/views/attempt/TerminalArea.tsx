import { isActive } from '../../../../main/common/attempt';
import { useStore } from '../../store/store';
import { closeTerminal, newTerminal, showTerminal } from '../../actions/terminals';
import { SHORTCUTS } from '../../actions/shortcuts';
import { TerminalView } from '../../terminal/TerminalView';

export function TerminalArea() {
  const terminals = useStore((s) => s.terminals);
  const active = useStore((s) => s.activeTerminal);
  const attemptId = useStore((s) => s.attempt?.id);
  const live = useStore((s) => (s.attempt ? isActive(s.attempt.state) : false));
  return (
    <div className="terminal-area">
      <div className="tabs" role="tablist">
        {terminals.map((t) => (
          <div
            key={t.n}
            role="tab"
            aria-selected={t.n === active}
            className={`tab${t.n === active ? ' active' : ''}${t.exitCode !== undefined ? ' exited' : ''}`}
            data-testid={`terminal-tab-${t.n}`}
            onClick={() => showTerminal(t.n)}
          >
            <span className="tab-label">
              Terminal {t.n}
              {t.exitCode !== undefined ? ` (exit ${t.exitCode})` : ''}
            </span>
            <button
              className="tab-close"
              aria-label={`Close terminal ${t.n}`}
              title="Close (ends its shell)"
              onClick={(e) => {
                e.stopPropagation();
                closeTerminal(t.n);
              }}
            >
              ×
            </button>
          </div>
        ))}
        <button className="tab new-tab" data-testid="new-terminal" disabled={!live} title={`New terminal (${SHORTCUTS.newTerminal})`} onClick={() => newTerminal()}>
          +
        </button>
      </div>
      <div className="terminal-body">
        {attemptId && terminals.map((t) => <TerminalView key={`${attemptId}-${t.n}`} attemptId={attemptId} n={t.n} visible={t.n === active} />)}
        {terminals.length === 0 && <div className="muted pad">{live ? 'No terminal open.' : 'Terminals close when the attempt ends.'}</div>}
      </div>
    </div>
  );
}
