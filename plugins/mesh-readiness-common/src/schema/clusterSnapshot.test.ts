import {
  clusterSnapshotSchema,
  emptyClusterSnapshot,
  isMeshRelevantKey,
  SNAPSHOT_MAX_PODS,
  type ClusterSnapshot,
} from './clusterSnapshot';

/** A snapshot with one injected pod, as a collector would keep it. */
function minimalSnapshot(
  overrides: Partial<ClusterSnapshot> = {},
): ClusterSnapshot {
  return {
    ...emptyClusterSnapshot('prod-eu', '2026-12-02T10:00:00Z'),
    kinds: { pods: 'listed', 'servers.policy.linkerd.io': 'not-installed' },
    namespaces: [
      {
        name: 'shop',
        labels: { 'istio-injection': 'enabled' },
        annotations: {},
      },
    ],
    pods: [
      {
        namespace: 'shop',
        name: 'checkout-7d9f-abcde',
        phase: 'Running',
        labels: { app: 'checkout' },
        annotations: { 'sidecar.istio.io/status': '{"revision":"default"}' },
        owner: { kind: 'Deployment', name: 'checkout' },
        containers: [
          { name: 'checkout', image: 'shop/checkout:1.0' },
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2' },
        ],
        initContainers: [
          { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.24.2' },
        ],
      },
    ],
    ...overrides,
  };
}

describe('clusterSnapshotSchema', () => {
  it('accepts a collector snapshot', () => {
    const snapshot = minimalSnapshot();
    expect(clusterSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it('refuses fields it does not know, naming where', () => {
    const result = clusterSnapshotSchema.safeParse({
      ...minimalSnapshot(),
      secrets: [{ name: 'token' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['secrets'],
    });
  });

  it('refuses a kind it does not list', () => {
    const result = clusterSnapshotSchema.safeParse(
      minimalSnapshot({
        kinds: { 'secrets.v1': 'listed' } as ClusterSnapshot['kinds'],
      }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['kinds'],
      message: expect.stringContaining('secrets.v1'),
    });
  });

  it('bounds lists and strings so a hostile bundle is refused', () => {
    const pod = minimalSnapshot().pods[0];
    const tooMany = clusterSnapshotSchema.safeParse(
      minimalSnapshot({ pods: new Array(SNAPSHOT_MAX_PODS + 1).fill(pod) }),
    );
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]).toMatchObject({
      code: 'too_big',
      path: ['pods'],
    });

    const longName = clusterSnapshotSchema.safeParse(
      minimalSnapshot({ pods: [{ ...pod, name: 'x'.repeat(254) }] }),
    );
    expect(longName.error?.issues[0]).toMatchObject({
      code: 'too_big',
      path: ['pods', 0, 'name'],
    });

    const labels = Object.fromEntries(
      Array.from({ length: 257 }, (_, i) => [`label-${i}`, 'x']),
    );
    const manyLabels = clusterSnapshotSchema.safeParse(
      minimalSnapshot({ pods: [{ ...pod, labels }] }),
    );
    expect(manyLabels.error?.issues[0]).toMatchObject({
      path: ['pods', 0, 'labels'],
      message: 'at most 256 entries',
    });
  });

  it('refuses an observation time that is not ISO 8601', () => {
    const result = clusterSnapshotSchema.safeParse(
      minimalSnapshot({ observedAt: 'yesterday' }),
    );
    expect(result.error?.issues[0].path).toEqual(['observedAt']);
  });

  it('checks label selectors as Kubernetes writes them', () => {
    const ok = clusterSnapshotSchema.safeParse(
      minimalSnapshot({
        workloads: [
          {
            kind: 'Deployment',
            namespace: 'shop',
            name: 'checkout',
            labels: {},
            selector: {
              matchLabels: { app: 'checkout' },
              matchExpressions: [
                { key: 'tier', operator: 'In', values: ['web'] },
              ],
            },
            podLabels: { app: 'checkout', tier: 'web' },
            podAnnotations: {},
          },
        ],
      }),
    );
    expect(ok.success).toBe(true);
    const bad = clusterSnapshotSchema.safeParse(
      minimalSnapshot({
        workloads: [
          {
            kind: 'Deployment',
            namespace: 'shop',
            name: 'checkout',
            labels: {},
            selector: {
              matchExpressions: [
                // @ts-expect-error: not a Kubernetes operator
                { key: 'tier', operator: 'Like', values: ['web'] },
              ],
            },
            podLabels: {},
            podAnnotations: {},
          },
        ],
      }),
    );
    expect(bad.error?.issues[0].path).toEqual([
      'workloads',
      0,
      'selector',
      'matchExpressions',
      0,
      'operator',
    ]);
  });
});

describe('isMeshRelevantKey', () => {
  it.each([
    'istio-injection',
    'istio.io/rev',
    'istio.io/dataplane-mode',
    'sidecar.istio.io/inject',
    'ambient.istio.io/redirection',
    'linkerd.io/inject',
    'config.linkerd.io/default-inbound-policy',
    'pod-security.kubernetes.io/enforce',
  ])('keeps %s', key => expect(isMeshRelevantKey(key)).toBe(true));

  it.each([
    'kubectl.kubernetes.io/last-applied-configuration',
    'deployment.kubernetes.io/revision',
    'prometheus.io/scrape',
    'app',
  ])('drops %s', key => expect(isMeshRelevantKey(key)).toBe(false));
});
