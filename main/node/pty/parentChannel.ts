/**
 * The pty host's line to the app, found at runtime so this code never imports electron: under Electron's
 * utilityProcess it is `process.parentPort` (messages arrive as `{ data }` events); under child_process.fork it is
 * `process.send` and `process.on('message')`.
 */
export interface ParentChannel {
  send(msg: unknown): void;
  onMessage(listener: (msg: unknown) => void): void;
  /** The app went away (IPC disconnected, port closed). */
  onClose(listener: () => void): void;
}

/** The part of Electron's MessagePortMain that a utility process's parentPort offers. */
interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

type HostProcessLike = NodeJS.Process & { parentPort?: ElectronParentPort };

export function parentChannel(proc: HostProcessLike = process as HostProcessLike): ParentChannel | undefined {
  const port = proc.parentPort;
  if (port && typeof port.postMessage === 'function') {
    return {
      send: (msg) => port.postMessage(msg),
      onMessage: (listener) => void port.on('message', (e) => listener(e.data)),
      onClose: (listener) => void port.on('close', listener),
    };
  }
  if (typeof proc.send === 'function') {
    return {
      // After a disconnect send() would throw; the host is shutting down then and has nobody to tell.
      send: (msg) => {
        if (proc.connected) proc.send!(msg);
      },
      onMessage: (listener) => void proc.on('message', listener),
      onClose: (listener) => void proc.on('disconnect', listener),
    };
  }
  return undefined;
}
