/**
 * Pushed events into actions, installed once at startup. pty bytes are not here: the terminal router takes them
 * straight to xterm.
 */
import { onConnectionState, onEvent, onReconnected, connectionState } from '../api/client';
import { getState, setState } from '../store/store';
import { refreshAttempt, refreshFiles, refreshFilesSoon, setAttempt } from './attempt';
import { onFileChanged } from './editor';
import { loadAttempts, loadEnvs } from './home';
import { pushToast } from './toasts';
import { startPtyRouter } from '../terminal/ptyRouter';

export function installEvents(): void {
  startPtyRouter();
  setState({ connection: connectionState() });
  onConnectionState((connection) => setState({ connection }));
  onReconnected(() => {
    // Events sent while we were away are gone; ask for the current truth.
    if (getState().view.kind === 'attempt') {
      void refreshAttempt();
      void refreshFiles();
    } else {
      void loadEnvs();
      void loadAttempts();
    }
  });

  onEvent('attempt.changed', (info) => {
    const current = getState().attempt;
    if (current?.id === info.id) setAttempt(info);
    else {
      const attempts = getState().attempts;
      if (attempts?.some((a) => a.id === info.id)) {
        setState({
          attempts: attempts.map((a) =>
            a.id === info.id ? { ...a, state: info.state, finalScore: info.finalScore, normalizedScore: info.normalizedScore } : a,
          ),
        });
      } else if (attempts) {
        // An attempt started elsewhere (an agent run, the CLI) appears in the list without a reload.
        void loadAttempts();
      }
    }
  });

  onEvent('attempt.warning', ({ attemptId, minutesLeft }) => {
    if (getState().attempt?.id !== attemptId) return;
    pushToast('warning', `${minutesLeft} minute${minutesLeft === 1 ? '' : 's'} left. At zero the workspace is submitted as it stands.`);
  });

  onEvent('fs.changed', (evt) => {
    if (getState().attempt?.id !== evt.attemptId) return;
    refreshFilesSoon();
    void onFileChanged(evt);
  });
}
