import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  EvidenceBundle,
  MetricsFacts,
  TrafficSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  TrafficEvidenceSource,
  TrafficReading,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import {
  MetricsEvidenceProvider,
  type ClusterWorkloadsLookup,
  type PushedTrafficReader,
} from './MetricsEvidenceProvider';
import { clusterWorkloadsOf } from './MetricsEvidenceProviderWorkloads';

const NOW = new Date('2026-12-02T17:30:00.000Z');
const HOUR = 3_600_000;

function service(
  name: string,
  annotations: Record<string, string>,
  owner = 'team-a',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

const checkout = service('checkout', {
  'backstage.io/kubernetes-id': 'checkout',
});
const web = service(
  'web',
  {
    'backstage.io/kubernetes-label-selector': 'app=web',
    'backstage.io/kubernetes-namespace': 'shop',
  },
  'group:default/web-team',
);
const reports = service(
  'reports',
  { 'backstage.io/kubernetes-id': 'reports' },
  'data',
);
const unannotated = service('legacy', {});

function snapshot(
  source: string,
  cluster: string,
  extra: Partial<TrafficSnapshot> = {},
): TrafficSnapshot {
  return {
    source,
    cluster,
    observedAt: '2026-12-02T17:25:00.000Z',
    windowSeconds: 7 * 86_400,
    traffic: [
      {
        mesh: 'istio',
        protocol: 'http',
        reporter: 'destination',
        destination: { namespace: 'shop', workload: 'checkout' },
        source: { namespace: 'shop', workload: 'web' },
        mtls: true,
        count: 1000,
        success: 1000,
      },
      {
        mesh: 'istio',
        protocol: 'http',
        reporter: 'destination',
        destination: { namespace: 'shop', workload: 'checkout' },
        source: { namespace: 'batch', workload: 'reports' },
        mtls: false,
        count: 6048,
        success: 6048,
      },
    ],
    latency: [],
    dryRun: [],
    ...extra,
  };
}

/** A Prometheus module as the extension point receives it. */
class RecordedTrafficSource implements TrafficEvidenceSource {
  readonly id = 'prometheus';
  reads = 0;
  constructor(private readonly readings: () => TrafficReading[]) {}
  async readTraffic(): Promise<TrafficReading[]> {
    this.reads += 1;
    return this.readings();
  }
}

function providerOf(options: {
  sources?: TrafficEvidenceSource[];
  pushed?: PushedTrafficReader;
  entities?: Entity[];
  storedPhases?: Record<string, string>;
  clusterWorkloads?: ClusterWorkloadsLookup;
}) {
  return new MetricsEvidenceProvider({
    sources: options.sources ?? [],
    pushed: options.pushed,
    catalog: catalogServiceMock({
      entities: options.entities ?? [checkout, web, reports, unannotated],
    }),
    auth: mockServices.auth(),
    phases: {
      phaseOf: async ref => options.storedPhases?.[ref],
    },
    clusterWorkloads: options.clusterWorkloads,
    settings: { maxAgeMs: { pull: HOUR, push: 24 * HOUR } },
    logger: mockServices.logger.mock(),
    clock: () => NOW,
  });
}

const collectOptions = (entityRef: string) => ({
  entityRef,
  program: {} as never,
});

function metricsOf(
  result: Awaited<ReturnType<MetricsEvidenceProvider['collect']>>,
) {
  if (result.status !== 'ok')
    throw new Error(`not ok: ${JSON.stringify(result)}`);
  return result.facts.metrics as MetricsFacts;
}

describe('MetricsEvidenceProvider', () => {
  it('reads every source once per run and resolves the callers to catalog entities with owner and phase', async () => {
    const source = new RecordedTrafficSource(() => [
      {
        source: 'prod-eu',
        cluster: 'prod-eu-1',
        mode: 'pull',
        status: 'ok',
        snapshot: snapshot('prod-eu', 'prod-eu-1'),
      },
    ]);
    const provider = providerOf({
      sources: [source],
      storedPhases: { 'component:default/reports': 'pilot' },
    });
    await provider.prepareRun();
    const result = await provider.collect(checkout, {
      ...collectOptions('component:default/checkout'),
      phasesOfThisRun: new Map([['component:default/web', 'enforce']]),
    });
    expect(result).toMatchObject({
      status: 'ok',
      fetchedAt: '2026-12-02T17:25:00.000Z',
    });
    const metrics = metricsOf(result);
    expect(metrics.inbound?.requests).toEqual({ total: 7048, mtls: 1000 });
    expect(metrics.inbound?.callers).toEqual([
      {
        workload: 'reports',
        namespace: 'batch',
        cluster: 'prod-eu-1',
        requests: { total: 6048, mtls: 0 },
        connections: { total: 0, mtls: 0 },
        plaintextPerSecond: 0.01,
        entityRef: 'component:default/reports',
        owner: 'group:default/data',
        phase: 'pilot',
      },
      {
        workload: 'web',
        namespace: 'shop',
        cluster: 'prod-eu-1',
        requests: { total: 1000, mtls: 1000 },
        connections: { total: 0, mtls: 0 },
        plaintextPerSecond: 0,
        entityRef: 'component:default/web',
        owner: 'group:default/web-team',
        // This run's phase wins over the stored one.
        phase: 'enforce',
      },
    ]);
    await provider.collect(web, collectOptions('component:default/web'));
    expect(source.reads).toBe(1);
    await provider.prepareRun();
    expect(source.reads).toBe(2);
  });

  it('joins the traffic of pushed bundles like pulled readings, and fails the entities a bad bundle may speak for', async () => {
    const bundle: EvidenceBundle = {
      schemaVersion: 1,
      cluster: 'prod-us-1',
      collectedAt: '2026-12-02T17:00:00.000Z',
      collector: { name: 'mesh-readiness-cli', version: '0.1.0' },
      traffic: [snapshot('prom-us', 'prod-us-1')],
    };
    let stored: Awaited<ReturnType<PushedTrafficReader['readBundles']>> = [
      { record: { cluster: 'prod-us-1' }, bundle },
    ];
    const provider = providerOf({
      pushed: { readBundles: async () => stored },
    });
    await provider.prepareRun();
    const metrics = metricsOf(
      await provider.collect(
        checkout,
        collectOptions('component:default/checkout'),
      ),
    );
    expect(metrics.sources).toEqual([
      {
        prometheus: 'prom-us',
        cluster: 'prod-us-1',
        observedAt: '2026-12-02T17:25:00.000Z',
        mode: 'push',
      },
    ]);
    expect(metrics.inbound?.callers[0].entityRef).toBe(
      'component:default/reports',
    );

    stored = [
      {
        record: { cluster: 'prod-us-1' },
        problem:
          'the stored bundle of prod-us-1 cannot be read: unexpected end of file',
      },
    ];
    await provider.prepareRun();
    expect(
      await provider.collect(
        checkout,
        collectOptions('component:default/checkout'),
      ),
    ).toEqual({
      status: 'failed',
      reason:
        'traffic evidence from bundle of prod-us-1 (push) failed: the stored bundle of prod-us-1 cannot be read: unexpected end of file',
    });
  });

  it('is not connected for an entity without a Kubernetes annotation, and failed when a source throws', async () => {
    const provider = providerOf({
      sources: [
        new RecordedTrafficSource(() => {
          throw new Error('socket hang up');
        }),
      ],
    });
    await provider.prepareRun();
    expect(
      await provider.collect(
        unannotated,
        collectOptions('component:default/legacy'),
      ),
    ).toEqual({
      status: 'not-connected',
      reason:
        'the entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
    });
    expect(
      await provider.collect(
        checkout,
        collectOptions('component:default/checkout'),
      ),
    ).toEqual({
      status: 'failed',
      reason: 'traffic evidence from prometheus (pull) failed: socket hang up',
    });
  });

  it('keeps stale readings from speaking', async () => {
    const provider = providerOf({
      sources: [
        new RecordedTrafficSource(() => [
          {
            source: 'prod-eu',
            cluster: 'prod-eu-1',
            mode: 'pull',
            status: 'ok',
            snapshot: snapshot('prod-eu', 'prod-eu-1', {
              observedAt: '2026-12-02T12:00:00.000Z',
            }),
          },
        ]),
      ],
    });
    await provider.prepareRun();
    expect(
      await provider.collect(
        checkout,
        collectOptions('component:default/checkout'),
      ),
    ).toEqual({
      status: 'failed',
      reason: 'traffic evidence from prod-eu (pull) is 5 hours old',
    });
  });

  it('joins exactly on the workloads the cluster evidence found, with the dry-run policies in force', async () => {
    const clusterProvider = {
      id: 'cluster-evidence',
      source: 'cluster' as const,
      collect: async () => ({
        status: 'ok' as const,
        facts: {
          cluster: {
            workloads: [
              {
                cluster: 'prod-eu-1',
                kind: 'Deployment',
                namespace: 'shop',
                name: 'checkout',
                pods: 2,
                authorizationPolicies: [
                  {
                    mesh: 'istio' as const,
                    namespace: 'shop',
                    name: 'checkout-allow',
                    action: 'ALLOW' as const,
                    dryRun: true,
                    rules: 2,
                    boundBy: 'selector' as const,
                  },
                ],
              },
            ],
          },
        },
      }),
    };
    const provider = providerOf({
      sources: [
        new RecordedTrafficSource(() => [
          {
            source: 'prod-eu',
            cluster: 'prod-eu-1',
            mode: 'pull',
            status: 'ok',
            snapshot: snapshot('prod-eu', 'prod-eu-1'),
          },
          // Another cluster down: not where this entity runs.
          {
            source: 'prod-us',
            cluster: 'prod-us-1',
            mode: 'pull',
            status: 'failed',
            reason: 'timeout',
          },
        ]),
      ],
      clusterWorkloads: clusterWorkloadsOf(clusterProvider),
    });
    await provider.prepareRun();
    // Named "payments" in the catalog, it runs the checkout Deployment.
    const metrics = metricsOf(
      await provider.collect(
        service('payments', { 'backstage.io/kubernetes-id': 'payments' }),
        collectOptions('component:default/payments'),
      ),
    );
    expect(metrics.inbound?.requests.total).toBe(7048);
    expect(metrics.authzDryRun?.policiesInForce).toEqual([
      {
        kind: 'AuthorizationPolicy',
        namespace: 'shop',
        name: 'checkout-allow',
        cluster: 'prod-eu-1',
      },
    ]);
  });

  it('answers a failed preparation for every entity of the run without reading again', async () => {
    const source = new RecordedTrafficSource(() => []);
    let catalogReads = 0;
    const provider = new MetricsEvidenceProvider({
      sources: [source],
      catalog: catalogServiceMock.mock({
        // eslint-disable-next-line require-yield
        streamEntities: async function* failing() {
          catalogReads += 1;
          throw new Error('catalog unavailable');
        },
      }),
      auth: mockServices.auth(),
      phases: { phaseOf: async () => undefined },
      settings: { maxAgeMs: { pull: HOUR, push: 24 * HOUR } },
      logger: mockServices.logger.mock(),
      clock: () => NOW,
    });
    await expect(provider.prepareRun()).rejects.toThrow('catalog unavailable');
    for (const entity of [checkout, web]) {
      expect(
        await provider.collect(entity, collectOptions('component:default/x')),
      ).toEqual({
        status: 'failed',
        reason: 'cannot read traffic evidence: catalog unavailable',
      });
    }
    expect(catalogReads).toBe(1);
  });
});
