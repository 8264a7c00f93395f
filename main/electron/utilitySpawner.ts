import { utilityProcess } from 'electron';
import type { HostProcess, HostSpawner } from '../node/contracts';

/** Under Electron the pty host is a utility process (as VS Code's pty host), not a plain child process. */
export const utilityHostSpawner: HostSpawner = (entry: string): HostProcess => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'redesk pty host', stdio: 'inherit' });
  return {
    send: (msg) => child.postMessage(msg),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
    get pid() {
      return child.pid;
    },
  };
};
