/*
 * The benches' HTTP client, in a process of its own: in the backend's
 * thread it would wait for the same event loop it measures (requests would
 * not even be sent while the server computes), and in a worker thread its
 * memory would count as the backend's. It sends the load requests all at
 * once and, until they are answered (and at least `minReads` times), reads
 * one at a time, timing each read.
 */
process.on('message', async ({ load, reads, minReads }) => {
  try {
    const started = performance.now();
    let done = false;
    const pending = Promise.all(
      load.map(async r => {
        const res = await fetch(r.url, {
          method: r.method ?? 'GET',
          headers: r.headers,
          body: r.body,
        });
        const text = await res.text();
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: r.keepBody ? text : undefined,
        };
      }),
    ).finally(() => {
      done = true;
    });
    const readTimes = [];
    for (
      let i = 0;
      reads.length > 0 && (!done || readTimes.length < minReads);
      i++
    ) {
      const r = reads[i % reads.length];
      const t = performance.now();
      const res = await fetch(r.url, { headers: r.headers });
      await res.arrayBuffer();
      if (res.status !== 200) {
        throw new Error(`read ${r.url}: ${res.status}`);
      }
      readTimes.push(performance.now() - t);
    }
    const results = await pending;
    process.send({
      results,
      readTimes,
      loadMs: performance.now() - started,
    });
  } catch (error) {
    process.send({ error: String((error && error.stack) || error) });
  }
});
process.on('disconnect', () => process.exit(0));
