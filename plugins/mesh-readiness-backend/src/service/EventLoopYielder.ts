import { setImmediate as nextMacrotask } from 'node:timers/promises';

/**
 * Gives the event loop a turn once a run of synchronous work (engine,
 * hashing, promise chains that resolve as microtasks) has used its time
 * budget, so that HTTP requests and timers are served while a long
 * evaluation runs; and stops the run when its abort signal fires.
 */
export class EventLoopYielder {
  private lastYield = performance.now();
  private yields = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Yields if the budget is used up; throws the abort reason if aborted. */
  async maybeYield(): Promise<void> {
    this.signal?.throwIfAborted();
    if (performance.now() - this.lastYield < this.budgetMs) {
      return;
    }
    await nextMacrotask();
    this.yields += 1;
    this.lastYield = performance.now();
    this.signal?.throwIfAborted();
  }

  /** How often it yielded (logged with the run). */
  get yieldCount(): number {
    return this.yields;
  }
}
