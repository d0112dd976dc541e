/*
 * Cluster facts for analyzer tests, with pods as the meshes' own injectors
 * write them. The container lists and the sidecar status annotation are
 * those of Istio's injector test outputs (istio/istio
 * pkg/kube/inject/testdata/inject/native-sidecar.yaml.injected and
 * hello-old-version.yaml.injected at 86c9f01) and Linkerd's
 * (linkerd/linkerd2 cli/cmd/testdata/inject_emojivoto_deployment.golden.yml
 * at b24cd40): the native sidecar puts `istio-proxy` after `istio-init`
 * among the init containers, the classic sidecar keeps it a container.
 */
import type {
  ClusterFacts,
  ClusterPodFact,
  ClusterWorkloadFact,
} from '../schema/clusterFacts';
import type { EntityFacts } from '../types';

/** Istio's `sidecar.istio.io/status` of a native sidecar, as injected. */
export const ISTIO_NATIVE_SIDECAR_STATUS =
  '{"initContainers":["istio-init","istio-proxy"],"containers":null,"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert","istio-ca-crl"],"imagePullSecrets":null,"revision":"default"}';

/** The same for a classic sidecar injected by the `canary` revision. */
export const ISTIO_CANARY_SIDECAR_STATUS =
  '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert","istio-ca-crl"],"imagePullSecrets":null,"revision":"canary"}';

/** A running pod of Deployment `hello` in namespace `shop` of prod-eu. */
export function livePod(
  name: string,
  extra: Partial<ClusterPodFact> = {},
): ClusterPodFact {
  return {
    cluster: 'prod-eu',
    namespace: 'shop',
    name,
    phase: 'Running',
    workload: { kind: 'Deployment', name: 'hello' },
    containers: ['hello'],
    initContainers: [],
    ...extra,
  };
}

/** A pod with Istio's native sidecar at `version`. */
export function istioNativePod(name: string, version = '1.24.1') {
  return livePod(name, {
    initContainers: ['istio-init', 'istio-proxy'],
    proxyVersion: version,
    revision: 'default',
    annotations: { 'sidecar.istio.io/status': ISTIO_NATIVE_SIDECAR_STATUS },
    dataPlane: {
      mesh: 'istio',
      kind: 'native-sidecar',
      reason: 'istio-proxy runs as a native sidecar (init container)',
    },
  });
}

/** A pod of emojivoto's `web` with Linkerd's proxy at `version`. */
export function linkerdPod(name: string, version = 'stable-2.14.10') {
  return livePod(name, {
    namespace: 'emojivoto',
    workload: { kind: 'Deployment', name: 'web' },
    containers: ['web-svc'],
    initContainers: ['linkerd-init', 'linkerd-proxy'],
    proxyVersion: version,
    annotations: { 'linkerd.io/proxy-version': version },
    dataPlane: {
      mesh: 'linkerd',
      kind: 'native-sidecar',
      reason: 'linkerd-proxy runs as a native sidecar (init container)',
    },
  });
}

/** The live Deployment `shop/hello` in prod-eu. */
export function liveWorkload(
  extra: Partial<ClusterWorkloadFact> = {},
): ClusterWorkloadFact {
  return {
    cluster: 'prod-eu',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'hello',
    pods: 2,
    authorizationPolicies: [],
    ...extra,
  };
}

/** Cluster facts observed in prod-eu (pulled five minutes before `now`). */
export function clusterFacts(extra: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    clusters: [
      { name: 'prod-eu', mode: 'pull', observedAt: '2026-11-26T07:55:00Z' },
    ],
    namespaces: [
      {
        cluster: 'prod-eu',
        name: 'shop',
        labels: { 'istio-injection': 'enabled' },
      },
    ],
    ...extra,
  };
}

/** `facts` for `run()`: the cluster source answered with these facts. */
export function withCluster(cluster: ClusterFacts): Partial<EntityFacts> {
  return {
    cluster,
    sources: {
      catalog: { status: 'ok' },
      manifests: { status: 'ok' },
      cluster: { status: 'ok', fetchedAt: '2026-11-26T07:55:00Z' },
    },
  };
}
