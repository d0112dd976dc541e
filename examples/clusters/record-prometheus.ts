/*
 * Records the sample clusters' Prometheus answers (examples/clusters/<cluster>/prometheus/).
 *
 * The traffic below is what the sample services' proxies would have
 * exported over a week. It is written as OpenMetrics with the meshes' own
 * metric and label names (the node library's meshMetricsOpenMetrics),
 * loaded into a real Prometheus (promtool tsdb create-blocks-from
 * openmetrics; Debian's `prometheus` package), and the production query
 * set is run against it: the files are what Prometheus answered, byte for
 * byte apart from indentation. Re-run it after a change of the traffic or
 * of the queries (a replay refuses answers recorded for other queries):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs examples/clusters/record-prometheus.ts
 *
 * What the recording shows (examples/clusters/README.md, "Recorded traffic"):
 * product-catalog has plaintext callers (event-ingest of the data team, and
 * clients without identity); payments-service is fully on mTLS and meets
 * its SLO; checkout-service burns its error budget (3 % of its requests
 * fail against a 99 % objective); user-profile's audit-mode policy would
 * have denied legacy-sso-bridge, which sends plaintext.
 */
import path from 'node:path';
import { recordPrometheusAnswers } from '@mesh-readiness/plugin-mesh-readiness-node/collect';
import {
  meshMetricsOpenMetrics,
  startPrometheusWithSeries,
  type SimulatedWorkload,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';

/** A caller in the mesh, named by the metrics. */
function meshed(
  workload: string,
  requests: number,
  errors = 0,
  namespace = workload,
) {
  return { namespace, workload, mtls: true, requests, errors };
}

/** The sample services of prod-eu (Istio 1.28; shipping-service on ambient). */
const PROD_EU: SimulatedWorkload[] = [
  {
    mesh: 'istio',
    namespace: 'payments-service',
    workload: 'payments-service',
    callers: [
      meshed('checkout-service', 120_000, 30),
      meshed('fraud-scoring', 40_000, 5),
    ],
    latencyMs: { typical: 25, slow: 180 },
  },
  {
    mesh: 'istio',
    namespace: 'payments-ledger',
    workload: 'payments-ledger',
    callers: [meshed('payments-service', 90_000, 20)],
    latencyMs: { typical: 12, slow: 90 },
  },
  {
    // Burning its error budget: 3 % of the requests fail (503 from an
    // overloaded dependency), against the 99 % objective of the programs.
    mesh: 'istio',
    namespace: 'checkout-service',
    workload: 'checkout-service',
    callers: [meshed('storefront-web', 150_000, 4_500)],
    latencyMs: { typical: 80, slow: 1_400 },
  },
  {
    mesh: 'istio',
    namespace: 'fraud-scoring',
    workload: 'fraud-scoring',
    callers: [meshed('payments-service', 40_000, 8)],
    latencyMs: { typical: 30, slow: 250 },
  },
  {
    // Plaintext callers: event-ingest (data team) has a sidecar, but its
    // client was pinned to plain HTTP (a DestinationRule with TLS mode
    // DISABLE applied by hand, not in Git), so the sidecar names it; the
    // reporting jobs run without a proxy and have no identity.
    mesh: 'istio',
    namespace: 'product-catalog',
    workload: 'product-catalog',
    callers: [
      meshed('storefront-web', 200_000, 40),
      meshed('checkout-service', 30_000, 3),
      {
        namespace: 'event-ingest',
        workload: 'event-ingest',
        mtls: false,
        requests: 2_400,
      },
      { mtls: false, requests: 600 },
    ],
    latencyMs: { typical: 18, slow: 160 },
  },
  {
    mesh: 'istio',
    namespace: 'storefront-web',
    workload: 'storefront-web',
    callers: [meshed('istio-ingressgateway', 500_000, 150, 'istio-system')],
    latencyMs: { typical: 40, slow: 600 },
  },
  {
    mesh: 'istio',
    namespace: 'event-ingest',
    workload: 'event-ingest',
    callers: [meshed('checkout-service', 80_000, 10)],
    latencyMs: { typical: 8, slow: 60 },
  },
  {
    mesh: 'istio',
    namespace: 'cart-service',
    workload: 'cart-service',
    callers: [meshed('storefront-web', 50_000, 25)],
    latencyMs: { typical: 10, slow: 120 },
  },
  {
    // Ambient: ztunnel reports the connections, the waypoint the requests.
    mesh: 'istio',
    dataPlane: 'ambient-waypoint',
    namespace: 'shipping-service',
    workload: 'shipping-service',
    callers: [
      {
        namespace: 'checkout-service',
        workload: 'checkout-service',
        mtls: true,
        requests: 20_000,
        errors: 4,
        connections: 400,
      },
    ],
    latencyMs: { typical: 35, slow: 300 },
  },
];

/** The sample services of identity-eu (Linkerd). */
const IDENTITY_EU: SimulatedWorkload[] = [
  {
    mesh: 'linkerd',
    namespace: 'auth-service',
    workload: 'auth-service',
    callers: [
      meshed('user-profile', 60_000, 12),
      meshed('token-issuer', 30_000, 6),
    ],
    latencyMs: { typical: 9, slow: 70 },
  },
  {
    // legacy-sso-bridge runs on the host network, without a proxy: its
    // requests arrive without TLS, and the audit-mode inbound policy of
    // user-profile would have denied them.
    mesh: 'linkerd',
    namespace: 'user-profile',
    workload: 'user-profile',
    callers: [
      meshed('token-issuer', 10_000, 2),
      { mtls: false, requests: 1_500 },
    ],
    latencyMs: { typical: 14, slow: 110 },
    dryRun: [{ policy: 'audit', requests: 1_500 }],
  },
  {
    mesh: 'linkerd',
    namespace: 'token-issuer',
    workload: 'token-issuer',
    callers: [meshed('auth-service', 30_000, 3)],
    latencyMs: { typical: 6, slow: 40 },
  },
];

const RECORDINGS: Array<{
  cluster: string;
  source: string;
  workloads: SimulatedWorkload[];
}> = [
  { cluster: 'prod-eu', source: 'prometheus-prod-eu', workloads: PROD_EU },
  {
    cluster: 'identity-eu',
    source: 'prometheus-identity-eu',
    workloads: IDENTITY_EU,
  },
];

async function main() {
  // Whole seconds: the last samples and the queries share this instant, so
  // `increase()` over the window returns the totals above exactly.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  for (const { cluster, source, workloads } of RECORDINGS) {
    const prometheus = await startPrometheusWithSeries(
      meshMetricsOpenMetrics(workloads, { now }),
    );
    try {
      const dir = path.resolve(__dirname, cluster, 'prometheus');
      const { files } = await recordPrometheusAnswers(
        { url: prometheus.url },
        dir,
        { source, window: '7d', time: now },
      );
      process.stdout.write(
        `${cluster}: recorded ${files.length} files in ${path.relative(
          process.cwd(),
          dir,
        )}\n`,
      );
    } finally {
      await prometheus.stop();
    }
  }
}

main().catch(error => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
