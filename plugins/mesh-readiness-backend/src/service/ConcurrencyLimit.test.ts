import { ConcurrencyLimit } from './ConcurrencyLimit';

describe('ConcurrencyLimit', () => {
  it('runs at most the limit at once, the others in order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        limit.run(async () => {
          started.push(i);
          running += 1;
          most = Math.max(most, running);
          await new Promise(resolve => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('hands a slot to the next caller in a later turn of the event loop', async () => {
    // Calls that finish in microtasks only (a synchronous database, evidence
    // from memory) must not chain into one run that never lets the event
    // loop serve anything else.
    const limit = new ConcurrencyLimit(1);
    const order: string[] = [];
    setImmediate(() => order.push('event loop turned'));
    await Promise.all(
      [1, 2, 3].map(i =>
        limit.run(async () => {
          order.push(`call ${i}`);
        }),
      ),
    );
    expect(order.indexOf('event loop turned')).toBeGreaterThan(0);
    expect(order.indexOf('event loop turned')).toBeLessThan(
      order.indexOf('call 3'),
    );
  });

  it('releases the slot when a call fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(
      limit.run(async () => {
        throw new Error('source down');
      }),
    ).rejects.toThrow('source down');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });
});
