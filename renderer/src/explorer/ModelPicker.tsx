import type { ModelSummary } from '../../../main/common/patching/types';
import { useStore } from '../store/store';
import { loadModels, selectModel } from './explorerActions';
import { ErrorLine } from './RunProgress';

function shape(m: ModelSummary): string {
  return `${m.layers} layer(s) × ${m.heads} head(s) · d_model ${m.dModel} · d_head ${m.dHead} · context ${m.context} · vocab ${m.vocabSize} · ${m.mlp ? 'MLPs' : 'attention-only'}`;
}

/** The shipped and imported models; one that does not load is listed with its error and cannot be chosen. */
export function ModelPicker() {
  const models = useStore((s) => s.explorer.models);
  const modelsError = useStore((s) => s.explorer.modelsError);
  const modelId = useStore((s) => s.explorer.modelId);
  return (
    <section className="explorer-card">
      <div className="result-head">
        <h3>Model</h3>
        <span className="spacer" />
        <button className="link" onClick={() => void loadModels()} title="Look for models again">
          Refresh
        </button>
      </div>
      {models === null && <p className="muted">Loading…</p>}
      {modelsError && <ErrorLine error={modelsError} testId="models-error" />}
      {models?.length === 0 && !modelsError && <p className="muted">No models found. Import one with npx redesk model import.</p>}
      <div className="model-list" role="radiogroup" aria-label="Model">
        {models?.map((m) => (
          <button
            key={m.id}
            role="radio"
            aria-checked={m.id === modelId}
            className={`model-item${m.id === modelId ? ' selected' : ''}${m.error ? ' broken' : ''}`}
            data-testid={`model-${m.id}`}
            aria-disabled={!!m.error}
            onClick={() => {
              if (!m.error) selectModel(m.id);
            }}
          >
            <span className="model-name">
              {m.name} <span className="muted small">{m.id} · {m.source}</span>
            </span>
            {m.error ? (
              <span className="warn-text small">
                {m.error.message} ({m.error.code})
              </span>
            ) : (
              <span className="muted small">{shape(m)}</span>
            )}
          </button>
        ))}
      </div>
    </section>
  );
}
