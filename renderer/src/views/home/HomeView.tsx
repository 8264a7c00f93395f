import { openBundlesView } from '../../bundles/bundlesActions';
import { openExplorerView } from '../../explorer/explorerActions';
import { useStore } from '../../store/store';
import { EnvCard } from './EnvCard';
import { EnvDetailPanel } from './EnvDetailPanel';
import { ImportPackPanel } from './ImportPackPanel';
import { PastAttempts } from './PastAttempts';

export function HomeView() {
  const envs = useStore((s) => s.envs);
  const selectedEnvId = useStore((s) => s.selectedEnvId);
  const selected = envs?.find((e) => e.id === selectedEnvId) ?? null;
  return (
    <div className="home" data-testid="home">
      <header className="topbar">
        <span className="brand">redesk</span>
        <span className="muted">timed research-engineering evaluations</span>
        <span className="spacer" />
        <button data-testid="open-bundles" title="Verify, replay and aggregate result bundles" onClick={openBundlesView}>
          Bundles
        </button>
        <button data-testid="open-explorer" title="Path patching: where a behaviour lives inside a model, offline" onClick={openExplorerView}>
          Explorer
        </button>
      </header>
      <main className="home-main">
        <section className="home-envs">
          <h2>Environments</h2>
          {envs === null && <p className="muted">Loading…</p>}
          {envs?.length === 0 && <p className="muted">No environments found. Import one, or check the envs folder.</p>}
          <div className="env-list">
            {envs?.map((env) => <EnvCard key={env.id} env={env} selected={env.id === selectedEnvId} />)}
          </div>
          <ImportPackPanel />
        </section>
        <section className="home-detail">{selected ? <EnvDetailPanel key={selected.id} env={selected} /> : <p className="muted">Choose an environment.</p>}</section>
      </main>
      <PastAttempts />
    </div>
  );
}
