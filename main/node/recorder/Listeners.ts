import type { Logger } from '../../common/clock';

/** A set of listeners; one that throws is logged and must not stop the writer or the other listeners. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  constructor(private readonly logger: Logger) {}

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T): void {
    for (const l of this.set) {
      try {
        l(value);
      } catch (e) {
        this.logger.warn('recorder: a listener threw', { error: String(e) });
      }
    }
  }
}
