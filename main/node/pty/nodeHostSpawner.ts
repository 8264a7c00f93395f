import { fork } from 'node:child_process';
import type { HostProcess, HostSpawner } from '../contracts';

/** A host that ignores SIGTERM (stuck in a native call) is SIGKILLed after this long, so dispose() can't hang. */
export const HOST_KILL_GRACE_MS = 2_000;

/**
 * Starts the pty host with child_process.fork: the headless spawner (CLI, browser mode, tests). Under Electron the
 * shell supplies a utilityProcess spawner instead.
 */
export const nodeHostSpawner: HostSpawner = (entry: string): HostProcess => {
  const child = fork(entry, [], {
    // Structured clone rather than JSON: no stringify/parse of every 200 KB batch.
    serialization: 'advanced',
    // The host never reads stdin; its stderr is the place for a crash report.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Not the parent's flags: an --inspect port or a test runner's loader would break or slow the host.
    execArgv: [],
  });
  const exitListeners: Array<(code: number | null) => void> = [];
  let exited = false;
  let exitCode: number | null = null;
  const onExit = (code: number | null) => {
    if (exited) return;
    exited = true;
    exitCode = code;
    for (const l of exitListeners) l(code);
  };
  child.on('exit', (code) => onExit(code));
  // A failed spawn emits 'error' and may never emit 'exit'; to the client both mean the host is gone.
  child.on('error', () => {
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) onExit(null);
  });
  return {
    send: (msg) => {
      if (child.connected) child.send(msg as object);
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => {
      if (exited) listener(exitCode);
      else exitListeners.push(listener);
    },
    kill: () => {
      if (exited) return;
      child.kill('SIGTERM');
      setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, HOST_KILL_GRACE_MS).unref();
    },
    get pid() {
      return child.pid;
    },
  };
};
