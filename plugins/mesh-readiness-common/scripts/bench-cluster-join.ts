/*
 * How long the cluster join takes for a whole evaluation run: 10,000
 * entities over 20 clusters, every entity running 2 pods in every cluster
 * (400,000 pods), each namespace with its PeerAuthentication,
 * AuthorizationPolicy and a GAMMA route. Prints the time to index the
 * readings, the time to join every entity and the heap used.
 *
 *   yarn --cwd plugins/mesh-readiness-common bench:cluster-join
 */
import {
  clusterFactsFor,
  emptyClusterSnapshot,
  indexClusterReadings,
  type ClusterReading,
  type ClusterSnapshot,
} from '../src';

const ENTITIES = Number(process.env.ENTITIES ?? 10_000);
const CLUSTERS = Number(process.env.CLUSTERS ?? 20);
const PODS_PER_ENTITY = 2;
const NAMESPACES = 500;
const OBSERVED_AT = '2026-12-02T11:30:00Z';

function cluster(c: number): ClusterSnapshot {
  const snapshot = emptyClusterSnapshot(`cluster-${c}`, OBSERVED_AT);
  snapshot.kinds = {
    pods: 'listed',
    'peerauthentications.security.istio.io': 'listed',
    'authorizationpolicies.security.istio.io': 'listed',
  };
  snapshot.istio.controlPlane = { version: '1.24.2', revisions: [] };
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = `team-${n}`;
    snapshot.namespaces.push({
      name: namespace,
      labels: { 'istio-injection': 'enabled' },
      annotations: {},
    });
    snapshot.istio.peerAuthentications.push({
      namespace,
      name: 'default',
      mode: 'STRICT',
    });
    snapshot.istio.authorizationPolicies.push({
      namespace,
      name: 'deny-all',
      action: 'DENY',
      rules: 1,
      dryRun: false,
    });
  }
  for (let e = 0; e < ENTITIES; e++) {
    const namespace = `team-${e % NAMESPACES}`;
    const name = `service-${e}`;
    snapshot.workloads.push({
      kind: 'Deployment',
      namespace,
      name,
      labels: {},
      selector: { matchLabels: { app: name } },
      podLabels: { app: name, 'backstage.io/kubernetes-id': name },
      podAnnotations: {},
    });
    snapshot.services.push({
      namespace,
      name,
      labels: {},
      selector: { app: name },
      ports: [{ name: 'http', port: 80 }],
    });
    snapshot.routes.push({
      kind: 'HTTPRoute',
      namespace,
      name,
      parentRefs: [{ group: '', kind: 'Service', name }],
      backendRefs: [{ name }],
      parents: [
        {
          parentRef: { group: '', kind: 'Service', name },
          conditions: [{ type: 'Accepted', status: 'True' }],
        },
      ],
    });
    for (let p = 0; p < PODS_PER_ENTITY; p++) {
      snapshot.pods.push({
        namespace,
        name: `${name}-5d8f9c7b6-${p}`,
        phase: 'Running',
        labels: { app: name, 'backstage.io/kubernetes-id': name },
        annotations: {},
        owner: { kind: 'Deployment', name },
        containers: [
          { name, image: `registry.local/${name}:1.0` },
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2' },
        ],
        initContainers: [
          { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.24.2' },
        ],
      });
    }
  }
  return snapshot;
}

function main() {
  const readings: ClusterReading[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    readings.push({
      cluster: `cluster-${c}`,
      mode: 'pull',
      status: 'ok',
      snapshot: cluster(c),
    });
  }
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let start = performance.now();
  const index = indexClusterReadings(readings);
  const indexMs = performance.now() - start;
  global.gc?.();
  const heapIndexed = process.memoryUsage().heapUsed;

  start = performance.now();
  let pods = 0;
  for (let e = 0; e < ENTITIES; e++) {
    const result = clusterFactsFor(
      {
        metadata: {
          annotations: { 'backstage.io/kubernetes-id': `service-${e}` },
        },
      },
      index,
      {
        now: '2026-12-02T12:00:00Z',
        maxAgeMs: { pull: 3_600_000, push: 86_400_000 },
      },
    );
    if (result.status !== 'ok') throw new Error(result.reason);
    pods += result.facts.pods?.length ?? 0;
  }
  const joinMs = performance.now() - start;
  process.stdout.write(
    `${JSON.stringify(
      {
        entities: ENTITIES,
        clusters: CLUSTERS,
        podsInClusters: ENTITIES * PODS_PER_ENTITY * CLUSTERS,
        podsJoined: pods,
        indexMs: Math.round(indexMs),
        joinMs: Math.round(joinMs),
        joinMsPerEntity: Number((joinMs / ENTITIES).toFixed(3)),
        indexHeapMB: Math.round((heapIndexed - heapBefore) / 1e6),
      },
      null,
      2,
    )}\n`,
  );
}

main();
