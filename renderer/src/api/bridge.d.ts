/**
 * What the Electron preload exposes on window.redesk (contextBridge). Absent in browser mode, where the client
 * speaks the same wire protocol over a WebSocket instead.
 */
export interface RedeskBridge {
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  onEvent(name: string, cb: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    redesk?: RedeskBridge;
  }
}
