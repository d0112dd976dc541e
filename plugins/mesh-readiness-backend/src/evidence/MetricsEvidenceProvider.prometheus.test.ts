import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  getAnalyzer,
  parseManifests,
  type EntityFacts,
  type MetricsFacts,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  collectTrafficSnapshot,
  PrometheusClient,
  type TrafficEvidenceSource,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import {
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type RunningPrometheus,
  type SimulatedWorkload,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import { MetricsEvidenceProvider } from './MetricsEvidenceProvider';

const missing = prometheusBinariesMissing();
if (missing) {
  // Said plainly, and a failure where the binaries must exist.
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

// Whole seconds: `increase()` at the last samples returns the totals.
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

/** A week of a sample mesh, in Istio's and Linkerd's own metric names. */
const sampleMesh: SimulatedWorkload[] = [
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
        requests: 100_000,
        errors: 50,
      },
      // A client without a proxy: Istio cannot name it.
      { mtls: false, requests: 6048 },
    ],
    latencyMs: { typical: 20, slow: 400 },
  },
  {
    mesh: 'istio',
    dataPlane: 'ambient',
    namespace: 'shop',
    workload: 'cart',
    callers: [
      { namespace: 'shop', workload: 'frontend', mtls: true, connections: 500 },
    ],
  },
  {
    mesh: 'linkerd',
    namespace: 'books',
    workload: 'catalog',
    callers: [
      { namespace: 'books', workload: 'web', mtls: true, requests: 8000 },
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

function service(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

const entities = [
  service('checkout', 'payments-team'),
  service('frontend', 'web-team'),
  service('cart', 'payments-team'),
  service('catalog', 'books-team'),
  service('web', 'books-team'),
];

/** The verdict of one check on the facts the provider answered. */
function verdict(
  checkId: string,
  entity: Entity,
  metrics: MetricsFacts,
  mesh: 'istio' | 'linkerd' = 'istio',
) {
  const facts: EntityFacts = {
    entity: entity as EntityFacts['entity'],
    sources: { metrics: { status: 'ok' } },
    metrics,
    attestations: [],
    waivers: [],
    now: now.toISOString(),
  };
  const manifests = parseManifests([]);
  return getAnalyzer(checkId)!.analyze({
    entity: facts.entity,
    manifests,
    facts,
    params: {},
    mesh,
    dataPlane: () => {
      throw new Error('metrics checks read no workload');
    },
  });
}

describeWithPrometheus(
  'traffic evidence from a real Prometheus into the checks',
  () => {
    let prometheus: RunningPrometheus;
    let provider: MetricsEvidenceProvider;

    beforeAll(async () => {
      if (missing) throw new Error(missing);
      prometheus = await startPrometheusWithSeries(
        meshMetricsOpenMetrics(sampleMesh, { now }),
      );
      const client = new PrometheusClient({ url: prometheus.url });
      // What the Prometheus module registers: the production client and
      // query set.
      const source: TrafficEvidenceSource = {
        id: 'prometheus',
        async readTraffic({ signal }) {
          const { snapshot } = await collectTrafficSnapshot(client, {
            source: 'prod-eu',
            cluster: 'prod-eu-1',
            window: '7d',
            now,
            signal,
          });
          return [
            {
              source: 'prod-eu',
              cluster: 'prod-eu-1',
              mode: 'pull',
              status: 'ok',
              snapshot,
            },
          ];
        },
      };
      provider = new MetricsEvidenceProvider({
        sources: [source],
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        phases: { phaseOf: async () => 'expand' },
        settings: { maxAgeMs: { pull: 3_600_000, push: 86_400_000 } },
        logger: mockServices.logger.mock(),
        clock: () => now,
      });
      await provider.prepareRun();
    }, 180_000);

    afterAll(async () => {
      await prometheus?.stop();
    });

    async function metricsOf(name: string): Promise<MetricsFacts> {
      const entity = entities.find(e => e.metadata.name === name)!;
      const result = await provider.collect(entity, {
        entityRef: `component:default/${name}`,
        program: {} as never,
      });
      if (result.status !== 'ok') throw new Error(JSON.stringify(result));
      return result.facts.metrics as MetricsFacts;
    }

    it('a sidecar service with a plaintext client fails sec.mtls.observed, the meshed caller resolved to its entity', async () => {
      const metrics = await metricsOf('checkout');
      const checkout = entities[0];
      expect(metrics.inbound?.callers).toEqual([
        expect.objectContaining({
          requests: { total: 6048, mtls: 0 },
          plaintextPerSecond: 0.01,
        }),
        expect.objectContaining({
          workload: 'frontend',
          entityRef: 'component:default/frontend',
          owner: 'group:default/web-team',
          phase: 'expand',
        }),
      ]);
      const observed = verdict('sec.mtls.observed', checkout, metrics);
      expect(observed.status).toBe('fail');
      expect(observed.summary).toBe(
        '94.30% of requests mTLS; switching to STRICT now would break these callers (1)',
      );
      const golden = verdict('obs.golden', checkout, metrics);
      expect(golden.status).toBe('pass');
      expect(golden.summary).toBe(
        'success rate 99.95%, 95.29% error budget left',
      );
    });

    it('an ambient service counts ztunnel connections; without HTTP it has no success rate', async () => {
      const metrics = await metricsOf('cart');
      expect(metrics.inbound?.connections).toEqual({ total: 500, mtls: 500 });
      const cart = entities[2];
      expect(verdict('sec.mtls.observed', cart, metrics).summary).toBe(
        '100.00% of connections mTLS in the last 7 days',
      );
      expect(verdict('obs.golden', cart, metrics).summary).toContain(
        'bind a waypoint',
      );
    });

    it('Linkerd: the caller named by identity only resolves to its entity, audit would-be denials name the client', async () => {
      const metrics = await metricsOf('catalog');
      const catalog = entities[3];
      expect(metrics.inbound?.callers).toEqual([
        expect.objectContaining({
          identity: 'web.books.serviceaccount.identity.linkerd.cluster.local',
          entityRef: 'component:default/web',
        }),
      ]);
      const callers = verdict('sec.mtls.callers', catalog, metrics, 'linkerd');
      expect(callers).toMatchObject({
        status: 'pass',
        summary: 'observed traffic: all 1 caller on mTLS',
      });
      const dryRun = verdict('sec.authz.dryrun', catalog, metrics, 'linkerd');
      expect(dryRun.status).toBe('fail');
      expect(dryRun.findings[0].message).toContain(
        'reports.batch.serviceaccount.identity.linkerd.cluster.local (12)',
      );
    });
  },
);
