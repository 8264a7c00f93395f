import type { ApiEventName, ApiEvents, EmitFn } from '../common/api';

export type AnyEventListener = (name: ApiEventName, payload: unknown) => void;

/** Fans service events out to every transport (IPC windows, browser-mode sockets, a CLI watcher). */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  readonly emit: EmitFn = <K extends ApiEventName>(name: K, payload: ApiEvents[K]) => {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // One broken transport must not stop the others from hearing the event.
      }
    }
  };

  on(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
