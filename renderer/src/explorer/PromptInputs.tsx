import { PROVIDERS, type PatchMetric, type ProviderName } from '../../../main/common/patching/types';
import { useStore } from '../store/store';
import { setAnswer, setClean, setCorrupt, setMetric, setProvider } from './explorerActions';
import type { TokensState } from './explorerSlice';
import { lengthWarning, selectedModel } from './readiness';
import { TokenChips } from './TokenChips';
import { DatasetLoader } from './DatasetLoader';

const PROVIDER_LABELS: Record<ProviderName, string> = { cpu: 'CPU', cuda: 'CUDA (NVIDIA)', dml: 'DirectML (Windows)', coreml: 'CoreML (macOS)' };

const METRICS: { value: PatchMetric; label: string }[] = [
  { value: 'logit-diff', label: 'Logit difference (correct − incorrect)' },
  { value: 'loss', label: 'Loss (cross-entropy of the correct answer)' },
  { value: 'kl', label: 'KL divergence to the reference' },
];

function AnswerField({ which, label }: { which: 0 | 1; label: string }) {
  const value = useStore((s) => s.explorer.answers[which]);
  const tokens: TokensState = useStore((s) => s.explorer.answerTokens[which]);
  const n = tokens.status === 'ready' ? (tokens.result?.ids.length ?? 0) : 1;
  return (
    <label className="answer-field">
      <span className="muted small">{label}</span>
      <input className="text" data-testid={`answer-${which === 0 ? 'correct' : 'incorrect'}`} value={value} spellCheck={false} onChange={(e) => setAnswer(which, e.target.value)} />
      <TokenChips state={tokens} testId={`answer-${which === 0 ? 'correct' : 'incorrect'}-tokens`} />
      {n !== 1 && <span className="warn-text small">An answer is one token; this is {n}.</span>}
    </label>
  );
}

/** The reference and counterfactual prompts (tokenised as typed) or a dataset, the metric and the answer tokens. */
export function PromptInputs() {
  const x = useStore((s) => s.explorer);
  const model = selectedModel(x);
  const warning = lengthWarning(x);
  const unavailable = x.providers?.find((i) => i.name === x.provider && !i.available);
  return (
    <section className="explorer-card">
      <h3>Inputs</h3>
      <fieldset className="prompt-fields" disabled={!!x.dataset}>
        <label>
          <span className="muted small">Reference (clean) prompt</span>
          <textarea className="text mono" rows={2} data-testid="prompt-clean" value={x.clean} spellCheck={false} onChange={(e) => setClean(e.target.value)} />
        </label>
        <TokenChips state={x.cleanTokens} testId="tokens-clean" context={model?.context} />
        <label>
          <span className="muted small">Counterfactual (corrupt) prompt</span>
          <textarea className="text mono" rows={2} data-testid="prompt-corrupt" value={x.corrupt} spellCheck={false} onChange={(e) => setCorrupt(e.target.value)} />
        </label>
        <TokenChips state={x.corruptTokens} testId="tokens-corrupt" context={model?.context} />
        {warning && <p className="warn-text small">{warning}</p>}
      </fieldset>
      <DatasetLoader />
      <label className="metric-field">
        <span className="muted small">Metric</span>
        <select data-testid="metric" value={x.metric} onChange={(e) => setMetric(e.target.value as PatchMetric)}>
          {METRICS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="metric-field">
        <span className="muted small">Execution provider (each result shows the one that ran)</span>
        <select data-testid="provider" value={x.provider} onChange={(e) => setProvider(e.target.value as ProviderName)}>
          {PROVIDERS.map((p) => {
            const info = x.providers?.find((i) => i.name === p);
            return (
              <option key={p} value={p} title={info?.reason}>
                {PROVIDER_LABELS[p]}
                {info && !info.available ? ' — not installed here' : ''}
              </option>
            );
          })}
        </select>
        {unavailable?.reason && (
          <span className="warn-text small" data-testid="provider-unavailable">
            {PROVIDER_LABELS[unavailable.name]} is not available here ({unavailable.reason}); runs use the CPU.
          </span>
        )}
      </label>
      <div className="answer-row">
        <AnswerField which={0} label="Correct answer" />
        <AnswerField which={1} label="Incorrect answer" />
      </div>
      {x.dataset && <p className="muted small">Pairs that give their own answers use them; these are the default.</p>}
    </section>
  );
}
