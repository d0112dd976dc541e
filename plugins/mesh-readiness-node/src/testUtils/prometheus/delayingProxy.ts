/*
 * A local HTTP proxy that holds every request for a while before passing
 * it on: a Prometheus that is slow past a client's time limit, in front of
 * a real one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A running proxy.
 *
 * @public
 */
export interface DelayingProxy {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Headers of the last request received. */
  readonly lastHeaders: http.IncomingHttpHeaders | undefined;
  stop(): Promise<void>;
}

/**
 * Starts a proxy to `targetUrl` that waits `delayMs` (0: none) before
 * forwarding each request, and remembers what it was sent.
 *
 * @public
 */
export async function startDelayingProxy(
  targetUrl: string,
  delayMs: number,
): Promise<DelayingProxy> {
  const target = new URL(targetUrl);
  let requests = 0;
  let lastHeaders: http.IncomingHttpHeaders | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    requests += 1;
    lastHeaders = request.headers;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        answer => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
