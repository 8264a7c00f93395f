import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { App } from './App';
import { installEvents } from './actions/events';
import { installShortcuts } from './actions/shortcuts';
import { loadAttempts, loadEnvs } from './actions/home';
import { openAttemptView } from './actions/attempt';
import { attemptIdFromHash } from './lib/hashRoute';
import { installBenchHooks } from './debug/benchHooks';
import { installRecording } from './recording/installRecording';
import { openReplayView, replayIdFromHash } from './replay/replayActions';
import { bundlesFromHash, openBundlesView } from './bundles/bundlesActions';
import { explorerFromHash, openExplorerView } from './explorer/explorerActions';

installEvents();
installRecording();
installShortcuts();
installBenchHooks();

const attemptId = attemptIdFromHash();
const replayId = replayIdFromHash();
if (attemptId) void openAttemptView(attemptId);
else if (replayId) void openReplayView(replayId);
else if (bundlesFromHash()) openBundlesView();
else if (explorerFromHash()) openExplorerView();
void loadEnvs();
void loadAttempts();

// No StrictMode: its double-mounted effects would start two shells per terminal tab in development.
createRoot(document.getElementById('root')!).render(<App />);
