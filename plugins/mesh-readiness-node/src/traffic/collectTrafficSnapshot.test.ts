import {
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type RunningPrometheus,
  type SimulatedWorkload,
} from '../testUtils/prometheus';
import { PrometheusClient } from './PrometheusClient';
import { collectTrafficSnapshot } from './collectTrafficSnapshot';
import { trafficQueries } from './queries';

const missing = prometheusBinariesMissing();
if (missing) {
  // Said plainly, and a failure where the binaries must exist.
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

// Whole seconds: the last samples are written at `now`, the queries are
// evaluated at `now`, so `increase()` returns the totals exactly.
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

const workloads: SimulatedWorkload[] = [
  {
    mesh: 'istio',
    dataPlane: 'sidecar',
    namespace: 'shop',
    workload: 'checkout',
    callers: [
      {
        namespace: 'shop',
        workload: 'frontend',
        mtls: true,
        requests: 1000,
        errors: 10,
      },
      // An unmeshed caller: Istio cannot name it.
      { mtls: false, requests: 200 },
    ],
    latencyMs: { typical: 20, slow: 400 },
    dryRun: [{ policy: 'deny', requests: 30 }],
  },
  {
    mesh: 'istio',
    dataPlane: 'ambient',
    namespace: 'shop',
    workload: 'cart',
    callers: [
      { namespace: 'shop', workload: 'frontend', mtls: true, connections: 50 },
      { mtls: false, connections: 7 },
    ],
  },
  {
    mesh: 'istio',
    dataPlane: 'ambient-waypoint',
    namespace: 'shop',
    workload: 'payments',
    callers: [
      {
        namespace: 'shop',
        workload: 'checkout',
        mtls: true,
        requests: 500,
        connections: 5,
      },
    ],
    latencyMs: { typical: 40, slow: 900 },
  },
  {
    mesh: 'linkerd',
    namespace: 'books',
    workload: 'catalog',
    callers: [
      {
        namespace: 'books',
        workload: 'web',
        mtls: true,
        requests: 800,
        errors: 8,
        connections: 20,
      },
      { mtls: false, requests: 100, connections: 3 },
    ],
    latencyMs: { typical: 15, slow: 250 },
    dryRun: [
      {
        policy: 'audit',
        requests: 12,
        clientId: 'reports.batch.serviceaccount.identity.linkerd.cluster.local',
      },
    ],
  },
];

describeWithPrometheus(
  'collectTrafficSnapshot against a real Prometheus',
  () => {
    let prometheus: RunningPrometheus;

    beforeAll(async () => {
      if (missing) throw new Error(missing);
      prometheus = await startPrometheusWithSeries(
        meshMetricsOpenMetrics(workloads, { now }),
      );
    }, 180_000);

    afterAll(async () => {
      await prometheus?.stop();
    });

    it('sends one query per metric and builds the snapshot', async () => {
      const client = new PrometheusClient({ url: prometheus.url });
      const { snapshot, queries, bytesReceived } = await collectTrafficSnapshot(
        client,
        { source: 'prod-eu', cluster: 'prod-eu-1', window: '7d', now },
      );

      expect(queries).toBe(
        Object.keys(trafficQueries({ window: '7d' })).length,
      );
      expect(queries).toBe(8);
      expect(bytesReceived).toBeGreaterThan(0);
      expect(snapshot).toMatchObject({
        source: 'prod-eu',
        cluster: 'prod-eu-1',
        observedAt: now.toISOString(),
        windowSeconds: 7 * 86_400,
      });
      expect(snapshot.truncated).toBeUndefined();

      const rows = snapshot.traffic.map(row => ({
        ...row,
        count: Math.round(row.count),
        ...(row.success === undefined
          ? {}
          : { success: Math.round(row.success) }),
      }));
      const shop = 'shop';
      expect(rows).toEqual(
        expect.arrayContaining([
          // Sidecar: only the server side's report counts, not the caller's.
          {
            mesh: 'istio',
            protocol: 'http',
            reporter: 'destination',
            destination: { namespace: shop, workload: 'checkout' },
            source: {
              namespace: shop,
              workload: 'frontend',
              principal: 'spiffe://cluster.local/ns/shop/sa/frontend',
            },
            mtls: true,
            count: 1000,
            success: 990,
          },
          {
            mesh: 'istio',
            protocol: 'http',
            reporter: 'destination',
            destination: { namespace: shop, workload: 'checkout' },
            source: {},
            mtls: false,
            count: 200,
            success: 200,
          },
          // Ambient: ztunnel's TCP report, plaintext labelled `unknown`.
          {
            mesh: 'istio',
            protocol: 'tcp',
            reporter: 'destination',
            destination: { namespace: shop, workload: 'cart' },
            source: {},
            mtls: false,
            count: 7,
          },
          {
            mesh: 'istio',
            protocol: 'http',
            reporter: 'waypoint',
            destination: { namespace: shop, workload: 'payments' },
            source: {
              namespace: shop,
              workload: 'checkout',
              principal: 'spiffe://cluster.local/ns/shop/sa/checkout',
            },
            mtls: true,
            count: 500,
            success: 500,
          },
          {
            mesh: 'linkerd',
            protocol: 'http',
            reporter: 'inbound',
            destination: { namespace: 'books', workload: 'catalog' },
            source: {
              principal:
                'web.books.serviceaccount.identity.linkerd.cluster.local',
            },
            mtls: true,
            count: 800,
            success: 792,
          },
          {
            mesh: 'linkerd',
            protocol: 'http',
            reporter: 'inbound',
            destination: { namespace: 'books', workload: 'catalog' },
            source: {},
            mtls: false,
            count: 100,
            success: 100,
          },
          {
            mesh: 'linkerd',
            protocol: 'tcp',
            reporter: 'inbound',
            destination: { namespace: 'books', workload: 'catalog' },
            source: {},
            mtls: false,
            count: 3,
          },
        ]),
      );
      // The callers' own reports (Istio reporter="source", Linkerd outbound)
      // were not counted: one row per caller, transport and protocol.
      expect(
        rows.filter(
          r => r.destination.workload === 'checkout' && r.protocol === 'http',
        ),
      ).toHaveLength(2);
      expect(rows.filter(r => r.destination.workload === 'web')).toEqual([]);

      const latency = Object.fromEntries(
        snapshot.latency.map(row => [row.destination.workload, row]),
      );
      // 90 % of checkout's requests at 20 ms (bucket 10–25), 10 % at 400 ms
      // (bucket 250–500).
      expect(latency.checkout.percentiles.p50).toBeGreaterThan(10);
      expect(latency.checkout.percentiles.p50).toBeLessThanOrEqual(25);
      expect(latency.checkout.percentiles.p99).toBeGreaterThan(250);
      expect(latency.checkout.percentiles.p99).toBeLessThanOrEqual(500);
      expect(latency.payments.mesh).toBe('istio');
      expect(latency.catalog).toMatchObject({ mesh: 'linkerd' });
      expect(latency.catalog.percentiles.p50).toBeLessThanOrEqual(20);
      expect(latency.cart).toBeUndefined();

      expect(
        snapshot.dryRun.map(row => ({
          ...row,
          wouldDeny: Math.round(row.wouldDeny),
        })),
      ).toEqual(
        expect.arrayContaining([
          {
            mesh: 'istio',
            destination: { namespace: shop, workload: 'checkout' },
            policy: 'deny',
            wouldDeny: 30,
          },
          {
            mesh: 'linkerd',
            destination: { namespace: 'books', workload: 'catalog' },
            policy: 'audit',
            server: 'server/catalog-http',
            source: {
              principal:
                'reports.batch.serviceaccount.identity.linkerd.cluster.local',
            },
            wouldDeny: 12,
          },
        ]),
      );
      expect(snapshot.dryRun).toHaveLength(2);
    });

    it("computes the percentiles as Prometheus' histogram_quantile does", async () => {
      const client = new PrometheusClient({ url: prometheus.url });
      const { snapshot } = await collectTrafficSnapshot(client, {
        source: 'prod-eu',
        now,
      });
      const expected = async (
        q: number,
        workload: string,
        linkerd: boolean,
      ) => {
        const promql = linkerd
          ? `histogram_quantile(${q}, sum by (le, deployment) (increase(response_latency_ms_bucket{direction="inbound", deployment="${workload}"}[7d])))`
          : `histogram_quantile(${q}, sum by (le, destination_workload) (increase(istio_request_duration_milliseconds_bucket{reporter=~"destination|waypoint", destination_workload="${workload}"}[7d])))`;
        const { samples } = await client.query(promql, { time: now });
        return samples[0].value;
      };
      for (const row of snapshot.latency) {
        const linkerd = row.mesh === 'linkerd';
        const { workload } = row.destination;
        expect(row.percentiles.p50).toBeCloseTo(
          await expected(0.5, workload, linkerd),
          9,
        );
        expect(row.percentiles.p90).toBeCloseTo(
          await expected(0.9, workload, linkerd),
          9,
        );
        expect(row.percentiles.p95).toBeCloseTo(
          await expected(0.95, workload, linkerd),
          9,
        );
        expect(row.percentiles.p99).toBeCloseTo(
          await expected(0.99, workload, linkerd),
          9,
        );
      }
      expect(snapshot.latency).toHaveLength(3);
    });

    it('adds the configured matchers to every selector', async () => {
      const client = new PrometheusClient({ url: prometheus.url });
      const { snapshot } = await collectTrafficSnapshot(client, {
        source: 'prod-eu',
        matchers: 'namespace="books"',
        now,
      });
      // Only the Linkerd series (and Istio's scraped-pod series of `books`,
      // none here) carry namespace="books".
      expect(
        new Set(snapshot.traffic.map(row => row.destination.namespace)),
      ).toEqual(new Set(['books']));
    });

    it('refuses an answer Prometheus marks as partial', async () => {
      const partial = await startPrometheusWithSeries(
        meshMetricsOpenMetrics(workloads.slice(0, 1), { now }),
        // Nothing listens there: Prometheus answers with its local data and a
        // warning that the remote store failed.
        { remoteReadUrls: ['http://127.0.0.1:9/api/v1/read'] },
      );
      try {
        const client = new PrometheusClient({ url: partial.url });
        await expect(
          collectTrafficSnapshot(client, { source: 'prod-eu', now }),
        ).rejects.toMatchObject({
          kind: 'invalid-response',
          message: expect.stringMatching(
            /^query istio-requests: the answer may be incomplete: .*remote_read/,
          ),
        });
      } finally {
        await partial.stop();
      }
    }, 180_000);
  },
);
