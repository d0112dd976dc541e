/**
 * Merges concurrent calls with the same key: while one runs, later callers
 * get its promise instead of starting another. Nothing is cached once it
 * settles, so a call after that starts afresh.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) {
      return running;
    }
    const started = fn().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Calls running now. */
  get size(): number {
    return this.inFlight.size;
  }
}
