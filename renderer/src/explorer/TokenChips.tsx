import type { TokensState } from './explorerSlice';
import { ErrorLine } from './RunProgress';
import { tokenLabel } from './tokenLabel';

/** A text as the model reads it, one chip per token (the id on hover), or the tokenizer's error with its code. */
export function TokenChips({ state, testId, context }: { state: TokensState; testId: string; context?: number }) {
  if (state.status === 'idle') return null;
  if (state.status === 'error' && state.error) return <ErrorLine error={state.error} testId={`${testId}-error`} />;
  const r = state.result;
  const tooLong = r && context !== undefined && r.ids.length > context;
  return (
    <div className={state.status === 'loading' ? 'token-chips stale' : 'token-chips'} data-testid={testId} data-count={r?.ids.length ?? 0}>
      {r?.tokens.map((t, i) => (
        <span key={i} className="token-chip" title={`position ${i} · id ${r.ids[i]}`}>
          {tokenLabel(t)}
        </span>
      ))}
      {r && !tooLong && <span className="muted small">{r.ids.length} token(s)</span>}
      {tooLong && (
        // The host refuses such a prompt with this code; saying so here saves a run.
        <span className="warn-text small" data-testid={`${testId}-error`} data-code="PATCH_PROMPT_TOO_LONG">
          {r.ids.length} tokens: longer than the model&apos;s context ({context}) <span className="muted">(PATCH_PROMPT_TOO_LONG)</span>
        </span>
      )}
    </div>
  );
}
