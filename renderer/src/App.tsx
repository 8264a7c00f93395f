import { useStore } from './store/store';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Toasts } from './components/Toasts';
import { HomeView } from './views/home/HomeView';
import { AttemptView } from './views/attempt/AttemptView';
import { ReplayView } from './replay/ReplayView';
import { BundlesView } from './bundles/BundlesView';
import { ExplorerView } from './explorer/ExplorerView';

export function App() {
  const view = useStore((s) => s.view);
  return (
    <div className="app">
      <ConnectionBanner />
      {view.kind === 'home' ? <HomeView /> : view.kind === 'replay' ? <ReplayView /> : view.kind === 'bundles' ? <BundlesView /> : view.kind === 'explorer' ? <ExplorerView /> : <AttemptView />}
      <Toasts />
    </div>
  );
}
