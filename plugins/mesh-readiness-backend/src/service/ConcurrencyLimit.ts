/**
 * Runs at most `limit` calls at once; the others wait in order. Used for
 * manual refreshes, so that many of them at once (from many callers) queue
 * here instead of in the database's connection pool, where every scorecard
 * read would wait behind all of their queries.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        // The slot passes to the next caller directly, in a later turn of
        // the event loop: with SQLite (synchronous) and sources answering
        // from memory a refresh resolves entirely in microtasks, so handing
        // over at once chained all queued refreshes into one run that held
        // the loop for seconds (6.5 s measured for 100 refreshes).
        setImmediate(next);
      } else {
        this.running -= 1;
      }
    }
  }
}
