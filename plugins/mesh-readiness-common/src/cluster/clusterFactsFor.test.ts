import { clusterFactsSchema } from '../schema/clusterFacts';
import type { ClusterSnapshot, SnapshotPod } from '../schema/clusterSnapshot';
import { runningFixture, snapshotOf } from './__fixtures__/fixtureSnapshot';
import type { ClusterReading } from './clusterReading';
import { indexClusterReadings } from './clusterIndex';
import { clusterFactsFor, type ClusterJoinOptions } from './clusterFactsFor';

const NOW = '2026-12-02T12:00:00Z';
const HOUR = 60 * 60 * 1000;
const options: ClusterJoinOptions = {
  now: NOW,
  maxAgeMs: { pull: HOUR, push: 24 * HOUR },
};
const checkout = {
  metadata: { annotations: { 'backstage.io/kubernetes-id': 'checkout' } },
};
const web = {
  metadata: {
    annotations: { 'backstage.io/kubernetes-label-selector': 'app=web-svc' },
  },
};

const retag = (pod: SnapshotPod, version: string): SnapshotPod => ({
  ...pod,
  containers: pod.containers.map(c =>
    c.name === 'istio-proxy'
      ? { ...c, image: `docker.io/istio/proxyv2:${version}` }
      : c,
  ),
});

/**
 * prod-eu runs Istio: checkout's classic-sidecar pods from Istio's injector
 * output (one with an older proxy), a pod of it that was never injected,
 * and its policies and routes.
 */
function istioCluster(observedAt = '2026-12-02T11:30:00Z'): ClusterSnapshot {
  const { workloads, pods } = runningFixture(
    'istio/hello-old-version.yaml.injected',
    {
      namespace: 'shop',
      replicas: 2,
      podLabels: { 'backstage.io/kubernetes-id': 'checkout' },
    },
  );
  const notInjected: SnapshotPod = {
    ...pods[0],
    name: 'checkout-debug',
    owner: undefined,
    annotations: {},
    containers: pods[0].containers.filter(c => c.name !== 'istio-proxy'),
    initContainers: [],
  };
  return snapshotOf('prod-eu', observedAt, {
    namespaces: [
      {
        name: 'shop',
        labels: {
          'istio-injection': 'enabled',
          'pod-security.kubernetes.io/enforce': 'baseline',
        },
        annotations: {},
      },
      { name: 'istio-system', labels: {}, annotations: {} },
    ],
    workloads,
    pods: [retag(pods[1], '1.23.0'), retag(pods[0], '1.24.2'), notInjected],
    services: [
      {
        namespace: 'shop',
        name: 'checkout',
        labels: {},
        selector: { app: 'hello' },
        ports: [{ name: 'http', port: 80 }],
      },
      {
        namespace: 'shop',
        name: 'cart',
        labels: {},
        selector: { app: 'cart' },
        ports: [{ port: 80 }],
      },
    ],
    istio: {
      peerAuthentications: [
        { namespace: 'istio-system', name: 'mesh', mode: 'PERMISSIVE' },
        { namespace: 'shop', name: 'default', mode: 'STRICT' },
        {
          namespace: 'shop',
          name: 'hello-ports',
          selector: { app: 'hello' },
          mode: 'UNSET',
          portLevelMtls: { '8080': 'DISABLE' },
        },
      ],
      authorizationPolicies: [
        {
          namespace: 'shop',
          name: 'deny-all',
          action: 'DENY',
          rules: 1,
          dryRun: true,
        },
        {
          namespace: 'shop',
          name: 'allow-web',
          action: 'ALLOW',
          selector: { app: 'hello' },
          rules: 2,
          dryRun: false,
        },
        {
          namespace: 'shop',
          name: 'cart-only',
          action: 'ALLOW',
          selector: { app: 'cart' },
          rules: 1,
          dryRun: false,
        },
      ],
      sidecars: [],
      controlPlane: {
        version: '1.24.2',
        revisions: [{ revision: 'canary', version: '1.25.0' }],
      },
      cni: true,
    },
    routes: [
      {
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'checkout-canary',
        parentRefs: [{ group: '', kind: 'Service', name: 'checkout' }],
        backendRefs: [{ name: 'checkout' }, { name: 'checkout-v2' }],
        parents: [
          {
            parentRef: { group: '', kind: 'Service', name: 'checkout' },
            conditions: [
              { type: 'Accepted', status: 'True' },
              {
                type: 'ResolvedRefs',
                status: 'False',
                reason: 'BackendNotFound',
                message: 'service shop/checkout-v2 not found',
              },
            ],
          },
        ],
      },
      {
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'cart',
        parentRefs: [{ group: '', kind: 'Service', name: 'cart' }],
        backendRefs: [{ name: 'cart' }],
        parents: [],
      },
    ],
  });
}

/** prod-us runs Linkerd: the emojivoto web Deployment from Linkerd's injector output. */
function linkerdCluster(observedAt = '2026-12-01T18:00:00Z'): ClusterSnapshot {
  const { workloads, pods } = runningFixture(
    'linkerd/inject_emojivoto_deployment.golden.yml',
    { namespace: 'emojivoto', replicas: 1 },
  );
  return snapshotOf('prod-us', observedAt, {
    kinds: {
      'peerauthentications.security.istio.io': 'not-installed',
      'authorizationpolicies.security.istio.io': 'not-installed',
      'servers.policy.linkerd.io': 'listed',
    },
    namespaces: [
      {
        name: 'emojivoto',
        labels: {},
        annotations: { 'linkerd.io/inject': 'enabled' },
      },
    ],
    workloads,
    pods,
    linkerd: {
      servers: [
        {
          namespace: 'emojivoto',
          name: 'web-http',
          podSelector: { matchLabels: { app: 'web-svc' } },
          port: 'http',
          accessPolicy: 'audit',
        },
      ],
      authorizationPolicies: [
        {
          namespace: 'emojivoto',
          name: 'web-from-vote-bot',
          targetRef: {
            group: 'policy.linkerd.io',
            kind: 'Server',
            name: 'web-http',
          },
          requiredAuthenticationRefs: [
            {
              group: 'policy.linkerd.io',
              kind: 'MeshTLSAuthentication',
              name: 'vote-bot',
            },
          ],
        },
      ],
      meshTlsAuthentications: [],
      controlPlane: { version: 'test-inject-proxy-version' },
    },
  });
}

const ok = (
  snapshot: ClusterSnapshot,
  mode: 'pull' | 'push' = 'pull',
): ClusterReading => ({
  cluster: snapshot.cluster,
  mode,
  status: 'ok',
  snapshot,
});

function factsOf(result: ReturnType<typeof clusterFactsFor>) {
  if (result.status !== 'ok')
    throw new Error(`${result.status}: ${result.reason}`);
  return result;
}

describe('clusterFactsFor', () => {
  const readings = [ok(istioCluster()), ok(linkerdCluster(), 'push')];
  const index = indexClusterReadings(readings);

  it('finds the entity pods by kubernetes-id with their data plane, proxy version and workload', () => {
    const { facts, observedAt } = factsOf(
      clusterFactsFor(checkout, index, options),
    );
    expect(observedAt).toBe('2026-12-02T11:30:00Z');
    expect(facts.selector).toBe('backstage.io/kubernetes-id: checkout');
    expect(facts.clusters).toEqual([
      { name: 'prod-eu', mode: 'pull', observedAt: '2026-12-02T11:30:00Z' },
    ]);
    expect(
      facts.pods?.map(p => [
        p.cluster,
        p.name,
        p.workload?.name,
        p.proxyVersion,
        p.revision,
        p.dataPlane?.kind,
      ]),
    ).toEqual([
      ['prod-eu', 'checkout-debug', undefined, undefined, undefined, 'sidecar'],
      [
        'prod-eu',
        'hello-7d9f8c6b5-ax2lq',
        'hello',
        '1.24.2',
        'default',
        'sidecar',
      ],
      [
        'prod-eu',
        'hello-7d9f8c6b5-bx2lq',
        'hello',
        '1.23.0',
        'default',
        'sidecar',
      ],
    ]);
    // The pod that was never injected still runs no istio-proxy.
    expect(facts.pods?.[0].containers).toEqual(['hello']);
    expect(facts.pods?.[1].containers).toEqual(['hello', 'istio-proxy']);
    expect(facts.pods?.[1].dataPlane?.reason).toBe(
      'the pod spec runs an istio-proxy container',
    );
    expect(facts.controlPlaneVersion).toEqual({ istio: '1.24.2' });
    expect(facts.controlPlanes).toEqual([
      { cluster: 'prod-eu', mesh: 'istio', version: '1.24.2' },
      {
        cluster: 'prod-eu',
        mesh: 'istio',
        revision: 'canary',
        version: '1.25.0',
      },
    ]);
    expect(facts.cni).toEqual({ istio: true });
    expect(facts.podSecurity).toEqual({ shop: 'baseline' });
    expect(clusterFactsSchema.parse(facts)).toEqual(facts);
  });

  it('names the mTLS mode and the authorization policies in force per workload', () => {
    const { facts } = factsOf(clusterFactsFor(checkout, index, options));
    const hello = facts.workloads?.find(w => w.name === 'hello');
    expect(hello).toMatchObject({
      cluster: 'prod-eu',
      kind: 'Deployment',
      namespace: 'shop',
      pods: 2,
      // The workload policy is UNSET: the namespace's STRICT is in force.
      mtls: {
        mode: 'STRICT',
        source: { scope: 'namespace', namespace: 'shop', name: 'default' },
        portLevel: { '8080': 'DISABLE' },
      },
    });
    expect(
      hello?.authorizationPolicies.map(p => [
        p.name,
        p.action,
        p.dryRun,
        p.boundBy,
      ]),
    ).toEqual([
      ['allow-web', 'ALLOW', false, 'selector'],
      ['deny-all', 'DENY', true, 'namespace'],
    ]);
    // The un-injected bare pod is its own workload.
    expect(facts.workloads?.map(w => `${w.kind}/${w.name}`)).toEqual([
      'Pod/checkout-debug',
      'Deployment/hello',
    ]);
  });

  it('lists the routes targeting the entity Services with their acceptance, and the mesh objects of its namespaces', () => {
    const { facts } = factsOf(clusterFactsFor(checkout, index, options));
    expect(facts.routes).toEqual([
      {
        cluster: 'prod-eu',
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'checkout-canary',
        attachment: 'gamma',
        services: ['shop/checkout'],
        accepted: false,
        reason:
          'ResolvedRefs=False on parent Service checkout (BackendNotFound: service shop/checkout-v2 not found)',
      },
    ]);
    expect(
      facts.meshObjects?.map(o => `${o.kind} ${o.namespace}/${o.name}`),
    ).toEqual([
      'AuthorizationPolicy shop/allow-web',
      'AuthorizationPolicy shop/cart-only',
      'AuthorizationPolicy shop/deny-all',
      'HTTPRoute shop/cart',
      'HTTPRoute shop/checkout-canary',
      'PeerAuthentication shop/default',
      'PeerAuthentication shop/hello-ports',
    ]);
  });

  it('joins Linkerd workloads by a label selector, with Server policies and the audit mode', () => {
    const { facts, observedAt } = factsOf(clusterFactsFor(web, index, options));
    expect(observedAt).toBe('2026-12-01T18:00:00Z');
    expect(
      facts.pods?.map(p => [p.cluster, p.name, p.proxyVersion, p.dataPlane]),
    ).toEqual([
      [
        'prod-us',
        'web-7d9f8c6b5-ax2lq',
        'test-inject-proxy-version',
        {
          mesh: 'linkerd',
          kind: 'native-sidecar',
          reason:
            'linkerd-proxy runs as an init container with restartPolicy: Always',
        },
      ],
    ]);
    expect(facts.workloads?.[0]).toEqual({
      cluster: 'prod-us',
      kind: 'Deployment',
      namespace: 'emojivoto',
      name: 'web',
      pods: 1,
      dataPlane: facts.pods?.[0].dataPlane,
      authorizationPolicies: [
        {
          mesh: 'linkerd',
          namespace: 'emojivoto',
          name: 'web-from-vote-bot',
          action: 'ALLOW',
          dryRun: true,
          rules: 1,
          boundBy: 'server',
        },
      ],
    });
    expect(facts.controlPlaneVersion).toEqual({
      linkerd: 'test-inject-proxy-version',
    });
    expect(facts.namespaces).toEqual([
      {
        cluster: 'prod-us',
        name: 'emojivoto',
        labels: {},
        annotations: { 'linkerd.io/inject': 'enabled' },
      },
    ]);
    expect(facts.notInstalled).toEqual([
      { cluster: 'prod-us', kind: 'authorizationpolicies.security.istio.io' },
      { cluster: 'prod-us', kind: 'peerauthentications.security.istio.io' },
    ]);
  });

  it('answers with the same facts whatever order the snapshots list objects in', () => {
    const shuffled = istioCluster();
    shuffled.pods.reverse();
    shuffled.istio.peerAuthentications.reverse();
    shuffled.istio.authorizationPolicies.reverse();
    shuffled.routes.reverse();
    const again = clusterFactsFor(
      checkout,
      [ok(linkerdCluster(), 'push'), ok(shuffled)],
      options,
    );
    expect(again).toEqual(clusterFactsFor(checkout, index, options));
  });

  it('finds a workload scaled to zero by its template', () => {
    const snapshot = istioCluster();
    snapshot.pods = [];
    const { facts } = factsOf(
      clusterFactsFor(checkout, [ok(snapshot)], options),
    );
    expect(facts.pods).toEqual([]);
    expect(facts.workloads).toMatchObject([
      {
        kind: 'Deployment',
        name: 'hello',
        pods: 0,
        dataPlane: { kind: 'sidecar' },
      },
    ]);
  });

  it('is ok with no pods when no cluster runs the entity', () => {
    const result = factsOf(
      clusterFactsFor(
        {
          metadata: {
            annotations: { 'backstage.io/kubernetes-id': 'nowhere' },
          },
        },
        index,
        options,
      ),
    );
    expect(result.facts.pods).toEqual([]);
    expect(result.facts.clusters?.map(c => c.name)).toEqual([
      'prod-eu',
      'prod-us',
    ]);
  });

  it('is not connected for an entity without the annotations, or when no cluster reported', () => {
    expect(clusterFactsFor({ metadata: {} }, index, options)).toEqual({
      status: 'not-connected',
      reason:
        'the entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
    });
    expect(clusterFactsFor(checkout, [], options)).toEqual({
      status: 'not-connected',
      reason: 'no cluster has been read or has pushed evidence yet',
    });
  });

  it('fails an entity whose selector annotation is malformed, naming it', () => {
    expect(
      clusterFactsFor(
        {
          metadata: {
            annotations: {
              'backstage.io/kubernetes-label-selector': 'app in (',
            },
          },
        },
        index,
        options,
      ),
    ).toEqual({
      status: 'failed',
      reason:
        'backstage.io/kubernetes-label-selector "app in (" is not a label selector: expected "," or ")" at position 9, found the end',
    });
  });

  it('fails only the entities that ran in a failed cluster at its last good snapshot', () => {
    const failed: ClusterReading = {
      cluster: 'prod-us',
      mode: 'pull',
      status: 'failed',
      reason: '401 Unauthorized',
    };
    const lastGood = indexClusterReadings([ok(linkerdCluster())]);
    const run = indexClusterReadings([ok(istioCluster()), failed]);
    expect(clusterFactsFor(web, run, { ...options, lastGood })).toEqual({
      status: 'failed',
      reason: 'cluster prod-us: 401 Unauthorized',
    });
    expect(
      clusterFactsFor(checkout, run, { ...options, lastGood }).status,
    ).toBe('ok');
    // Without a last good snapshot, nobody knows who ran there.
    expect(clusterFactsFor(checkout, run, options)).toEqual({
      status: 'failed',
      reason: 'cluster prod-us: 401 Unauthorized',
    });
  });

  it('fails the entities of a cluster whose evidence is too old, saying how old', () => {
    const run = indexClusterReadings([
      ok(istioCluster('2026-11-29T09:00:00Z'), 'push'),
      ok(linkerdCluster('2026-12-02T11:59:00Z')),
    ]);
    expect(clusterFactsFor(checkout, run, options)).toEqual({
      status: 'failed',
      reason:
        'cluster evidence from prod-eu is 3 days old (observed 2026-11-29T09:00:00Z; pushed evidence counts for 1 day)',
    });
    expect(clusterFactsFor(web, run, options).status).toBe('ok');
  });

  it('prefers a cluster answer to a failure and the newer of two answers', () => {
    const older = istioCluster('2026-12-02T11:00:00Z');
    const newer = istioCluster('2026-12-02T11:45:00Z');
    const run = indexClusterReadings([
      ok(older, 'push'),
      { cluster: 'prod-eu', mode: 'pull', status: 'failed', reason: 'timeout' },
      ok(newer),
    ]);
    expect(factsOf(clusterFactsFor(checkout, run, options)).observedAt).toBe(
      '2026-12-02T11:45:00Z',
    );
  });
});
