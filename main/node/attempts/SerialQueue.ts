/**
 * Runs async jobs one after another. One per attempt for state changes and one for scorer runs, so a heartbeat
 * never interleaves with a pause, and two Score presses run the scorer twice in order rather than at once.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    // The queue goes on after a failed job; the caller still sees the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
