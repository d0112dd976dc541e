import {
  freePort,
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startDelayingProxy,
  startPrometheusWithSeries,
  type RunningPrometheus,
} from '../testUtils/prometheus';
import { PrometheusClient, PrometheusQueryError } from './PrometheusClient';

const missing = prometheusBinariesMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

const now = new Date(Math.floor(Date.now() / 1000) * 1000);

describe('PrometheusClient', () => {
  it('refuses a URL that is not http(s)', () => {
    expect(() => new PrometheusClient({ url: 'file:///etc' })).toThrow(
      'Prometheus URL "file:///etc" must be http or https',
    );
    expect(() => new PrometheusClient({ url: 'prometheus:9090x' })).toThrow(
      /must be http or https|is not a URL/,
    );
  });

  it('says a Prometheus that does not listen is unreachable', async () => {
    const port = await freePort();
    const client = new PrometheusClient({ url: `http://127.0.0.1:${port}` });
    const error = await client.query('up').catch(e => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(client.queriesSent).toBe(1);
  });
});

describeWithPrometheus('PrometheusClient against a real Prometheus', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    prometheus = await startPrometheusWithSeries(
      meshMetricsOpenMetrics(
        [
          {
            mesh: 'istio',
            namespace: 'shop',
            workload: 'checkout',
            callers: [{ mtls: false, requests: 5 }],
          },
        ],
        { now },
      ),
    );
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('answers an instant query with labels and values', async () => {
    const client = new PrometheusClient({ url: `${prometheus.url}/` });
    const result = await client.query(
      'sum by (destination_workload) (increase(istio_requests_total{reporter="destination"}[7d]))',
      { time: now },
    );
    expect(result.warnings).toEqual([]);
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.samples).toEqual([
      { labels: { destination_workload: 'checkout' }, value: 5 },
    ]);
  });

  it("reports a bad query with Prometheus' own message", async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const error = await client.query('sum by (').catch(e => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ kind: 'bad-query', status: 400 });
    expect(error.message).toMatch(/^HTTP 400: bad_data: .*parse error/);
  });

  it('refuses an answer that is not a vector', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(
      client.query('istio_requests_total[5m]', { time: now }),
    ).rejects.toMatchObject({
      kind: 'invalid-response',
      message: 'expected a vector result, got "matrix"',
    });
  });

  it('refuses an answer larger than the limit', async () => {
    const client = new PrometheusClient({
      url: prometheus.url,
      maxResponseBytes: 100,
    });
    await expect(
      client.query('istio_requests_total', { time: now }),
    ).rejects.toMatchObject({
      kind: 'invalid-response',
      message: expect.stringMatching(/exceeds the limit of 100 bytes/),
    });
  });

  it('gives up on a Prometheus slower than the timeout', async () => {
    const proxy = await startDelayingProxy(prometheus.url, 5_000);
    try {
      const client = new PrometheusClient({ url: proxy.url, timeoutMs: 300 });
      const started = Date.now();
      await expect(client.query('up')).rejects.toMatchObject({
        kind: 'timeout',
        message: 'no answer within 300 ms',
      });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await proxy.stop();
    }
  });

  it("stops when the caller's signal aborts", async () => {
    const proxy = await startDelayingProxy(prometheus.url, 5_000);
    try {
      const client = new PrometheusClient({ url: proxy.url });
      const controller = new AbortController();
      const pending = client.query('up', { signal: controller.signal });
      controller.abort(new Error('run cancelled'));
      await expect(pending).rejects.toThrow('run cancelled');
    } finally {
      await proxy.stop();
    }
  });

  it('sends the configured credentials and headers', async () => {
    const proxy = await startDelayingProxy(prometheus.url, 0);
    try {
      await new PrometheusClient({
        url: proxy.url,
        auth: { bearerToken: 's3cret' },
        headers: { 'X-Scope-OrgID': 'tenant-a' },
      }).query('up');
      expect(proxy.lastHeaders).toMatchObject({
        authorization: 'Bearer s3cret',
        'x-scope-orgid': 'tenant-a',
        'content-type': 'application/x-www-form-urlencoded',
      });

      await new PrometheusClient({
        url: proxy.url,
        auth: { username: 'mesh', password: 'readiness' },
      }).query('up');
      expect(proxy.lastHeaders?.authorization).toBe(
        `Basic ${Buffer.from('mesh:readiness').toString('base64')}`,
      );
    } finally {
      await proxy.stop();
    }
  });
});
