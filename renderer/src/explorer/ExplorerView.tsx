import { goHome } from '../actions/home';
import { useStore } from '../store/store';
import { AttentionViewer } from './AttentionViewer';
import { HypothesisBuilder } from './HypothesisBuilder';
import { ModelPicker } from './ModelPicker';
import { PromptInputs } from './PromptInputs';
import { SweepPanel } from './SweepPanel';
import './explorer.css';

/** The path-patching explorer: where a behaviour lives inside a model, tested offline on this machine. */
export function ExplorerView() {
  const provider = useStore((s) => s.explorer.sweep.result?.provider ?? s.explorer.explain.result?.provider);
  const asked = useStore((s) => s.explorer.sweepRequest?.provider);
  return (
    <div className="explorer" data-testid="explorer-view">
      <header className="topbar">
        <span className="brand">redesk</span>
        <span className="muted">path-patching explorer</span>
        <span className="spacer" />
        {provider && (
          <span className="muted small" data-testid="explorer-provider" title="The onnxruntime execution provider the last run used">
            execution provider: {provider}
            {asked && asked !== provider ? ` (${asked} is not installed here)` : ''}
          </span>
        )}
        <button data-testid="explorer-home" onClick={goHome}>
          Home
        </button>
      </header>
      <main className="explorer-main">
        <div className="explorer-controls">
          <ModelPicker />
          <PromptInputs />
        </div>
        <div className="explorer-results">
          <SweepPanel />
          <div className="explorer-lower">
            <AttentionViewer />
            <HypothesisBuilder />
          </div>
        </div>
      </main>
    </div>
  );
}
