import { useState } from 'react';
import { useStore } from '../store/store';
import { jumpTo, search } from './replayActions';
import { formatTime } from './timeline';
import { highlight } from './highlight';

const WHERE: Record<string, string> = { 'terminal-output': 'output', 'terminal-input': 'typed', editor: 'editor' };

/** Text or regex search over terminal output, typed input and editor text; each hit seeks to its moment. */
export function ReplaySearch() {
  const state = useStore((s) => s.replay?.search);
  const terminals = useStore((s) => s.replay?.info?.terminals ?? []);
  const [query, setQuery] = useState(state?.query ?? '');
  const [regex, setRegex] = useState(state?.regex ?? false);
  const termNo = (ptyId?: string) => terminals.findIndex((t) => t.ptyId === ptyId) + 1;
  return (
    <div className="replay-search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search(query, regex);
        }}
      >
        <input
          className="text"
          data-testid="replay-search"
          placeholder={regex ? 'regular expression' : 'search the attempt'}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          spellCheck={false}
        />
        <label className="small" title="Treat the query as a JavaScript regular expression">
          <input type="checkbox" data-testid="replay-search-regex" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> regex
        </label>
      </form>
      {state?.busy && <p className="muted small">Searching…</p>}
      {state?.error && <p className="warn-text small">{state.error}</p>}
      {state?.hits && (
        <p className="muted small" data-testid="replay-hit-count">
          {state.hits.length === 0 ? 'No match.' : `${state.hits.length}${state.hits.length >= 500 ? '+' : ''} match${state.hits.length === 1 ? '' : 'es'}`}
        </p>
      )}
      <ol className="replay-hits">
        {state?.hits?.map((h, i) => (
          <li key={`${h.seq}-${h.where}-${i}`}>
            <button className="replay-hit" data-testid={`replay-hit-${i}`} onClick={() => jumpTo(h)}>
              <span className="hit-meta">
                <code>{formatTime(h.t)}</code> {WHERE[h.where] ?? h.where}
                {h.ptyId ? ` · terminal ${termNo(h.ptyId)}` : ''}
                {h.path ? ` · ${h.path}` : ''}
              </span>
              <HitExcerpt text={h.excerpt} query={state.query} regex={state.regex} />
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The excerpt with its match marked; the text before it is cut to a few words so the match is in view. */
function HitExcerpt({ text, query, regex }: { text: string; query: string; regex: boolean }) {
  const [before, match, after] = highlight(text, query, regex);
  const lead = before.length > 24 ? `…${before.slice(-24)}` : before;
  return (
    <span className="hit-excerpt">
      {lead}
      {match && <mark>{match}</mark>}
      {after}
    </span>
  );
}
