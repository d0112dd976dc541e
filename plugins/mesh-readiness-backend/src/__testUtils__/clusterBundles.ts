import {
  emptyClusterSnapshot,
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
  type ClusterSnapshot,
  type EvidenceBundle,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * A pod of a workload as a collector keeps it: the app container, and an
 * Istio sidecar unless `injected` is false.
 */
export function snapshotPod(
  entity: string,
  name: string,
  options: { namespace?: string; injected?: boolean; proxyImage?: string } = {},
): ClusterSnapshot['pods'][number] {
  const injected = options.injected ?? true;
  return {
    namespace: options.namespace ?? 'shop',
    name,
    phase: 'Running',
    labels: { 'backstage.io/kubernetes-id': entity, app: entity },
    annotations: injected
      ? { 'sidecar.istio.io/status': '{"revision":"default"}' }
      : {},
    owner: { kind: 'Deployment', name: entity },
    containers: [
      { name: entity, image: `registry.example.com/${entity}:1.0` },
      ...(injected
        ? [
            {
              name: 'istio-proxy',
              image: options.proxyImage ?? 'docker.io/istio/proxyv2:1.24.2',
            },
          ]
        : []),
    ],
    initContainers: [],
  };
}

/** A snapshot of one cluster running the given pods. */
export function clusterSnapshot(
  cluster: string,
  observedAt: string,
  pods: ClusterSnapshot['pods'],
): ClusterSnapshot {
  const snapshot = emptyClusterSnapshot(cluster, observedAt);
  snapshot.kinds = {
    namespaces: 'listed',
    pods: 'listed',
    services: 'listed',
    'deployments.apps': 'listed',
    'peerauthentications.security.istio.io': 'listed',
    'authorizationpolicies.security.istio.io': 'listed',
    'servers.policy.linkerd.io': 'not-installed',
  };
  snapshot.namespaces = [
    { name: 'shop', labels: { 'istio-injection': 'enabled' }, annotations: {} },
  ];
  snapshot.pods = pods;
  snapshot.istio.controlPlane = { version: '1.24.2', revisions: [] };
  return snapshot;
}

/** A bundle as `mesh-readiness collect` posts it. */
export function evidenceBundle(
  cluster: string,
  collectedAt: string,
  pods: ClusterSnapshot['pods'] = [snapshotPod('svc-a', 'svc-a-7d9f-abcde')],
): EvidenceBundle {
  return {
    schemaVersion: EVIDENCE_BUNDLE_SCHEMA_VERSION,
    cluster,
    collectedAt,
    collector: { name: 'mesh-readiness collect', version: '0.1.0' },
    snapshot: clusterSnapshot(cluster, collectedAt, pods),
  };
}
