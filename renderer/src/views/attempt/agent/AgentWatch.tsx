import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { isActive, type AttemptInfo } from '../../../../../main/common/attempt';
import { api } from '../../../api/client';
import { refreshAttempt } from '../../../actions/attempt';
import { formatClock } from '../../../lib/time';
import { AgentFeed, type AgentCall } from './AgentFeed';

/** Often enough that the terminal and the calls stream in; each poll reads only what is new. */
const POLL_MS = 400;

/**
 * Watching an agent's attempt: its terminal (read-only: the agent types, not the watcher) and its tool calls as
 * they happen, from the attempt's record. Works the same for a finished attempt (what it did, newest last).
 */
export function AgentWatch({ attempt }: { attempt: AttemptInfo }) {
  const host = useRef<HTMLDivElement>(null);
  const [calls, setCalls] = useState<AgentCall[]>([]);
  const [error, setError] = useState<string | null>(null);
  const live = isActive(attempt.state);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({ disableStdin: true, convertEol: false, scrollback: 20_000, fontSize: 12, theme: { background: '#101216', foreground: '#d8dee9' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet; the observer fits again.
      }
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    const feed = new AgentFeed((afterSeq, limit) => api.logTail(attempt.id, { afterSeq, limit }), (data) => term.write(data));
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastCalls = 0;
    const tick = async () => {
      try {
        if (await feed.poll()) setCalls(feed.calls);
        // A new call or result may mean a new score or the end: the header and score panel follow.
        if (feed.calls.length !== lastCalls) {
          lastCalls = feed.calls.length;
          void refreshAttempt();
        }
        setError(null);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped && live) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      ro.disconnect();
      term.dispose();
    };
  }, [attempt.id, live]);

  return (
    <div className="agent-watch" data-testid="agent-watch">
      <div className="agent-terminal-title pane-title">
        Agent terminal <span className="muted small">read-only{live ? ', live' : ''}</span>
      </div>
      <div className="agent-terminal" data-testid="agent-terminal" ref={host} />
      <section className="agent-calls" data-testid="agent-calls-panel">
        <div className="pane-title">
          Tool calls <span className="muted small">{calls.length}</span>
        </div>
        {error && <p className="warn-text small pad">Could not read the record: {error}</p>}
        {calls.length === 0 && !error && <p className="muted small pad">No tool calls yet.</p>}
        <ol className="agent-call-list" data-testid="agent-calls">
          {[...calls].reverse().map((c) => (
            <li key={c.callId} data-testid="agent-call" data-tool={c.tool} data-status={c.status} className={`agent-call ${c.status}`}>
              <div className="agent-call-head">
                <span className="muted">{formatClock(c.t)}</span>
                <span className="kind">{c.tool}</span>
                <span className={`agent-call-status ${c.status}`}>
                  {/* A submit's result is the attempt's end (its record cannot follow the seal). */}
                  {c.status === 'running' ? (c.tool === 'submit' && !live ? 'submitted' : 'running…') : c.status === 'ok' ? `${c.outcome ?? 'ok'}` : 'error'}
                  {c.durationMs !== undefined ? ` · ${c.durationMs < 1000 ? `${Math.round(c.durationMs)} ms` : `${(c.durationMs / 1000).toFixed(1)} s`}` : ''}
                </span>
              </div>
              {c.detail && (
                <div className="agent-call-detail" title={c.detail}>
                  {c.detail.length > 160 ? `${c.detail.slice(0, 160)}…` : c.detail}
                </div>
              )}
              {c.error && <div className="agent-call-error">{c.error}</div>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/** The agent's name and model, as the header and the attempt list show them. */
export function AgentBadge({ agent }: { agent: { name: string; model?: string } }) {
  return (
    <span className="badge agent" data-testid="agent-badge" title="made by an AI agent">
      agent: {agent.name}
      {agent.model ? ` (${agent.model})` : ''}
    </span>
  );
}
