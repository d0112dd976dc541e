/**
 * The Kubernetes kinds the collector lists, one paged list across all
 * namespaces per kind per run: exactly what the cluster checks read
 * (DESIGN §5a) and what the read-only ClusterRole of the push CronJob grants.
 */
import type { SnapshotKind } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * Where a kind is served and how it is called in the snapshot.
 *
 * @public
 */
export interface ListedKind {
  /** Key in the snapshot's `kinds` map, e.g. `pods`, `peerauthentications.security.istio.io`. */
  readonly id: ListedKindId;
  /** API group; `''` is the core group (`/api/v1`). */
  readonly group: string;
  readonly version: string;
  /** Resource name in the URL (`pods`, `httproutes`). */
  readonly plural: string;
  /** The object kind, e.g. `Pod`, `HTTPRoute`. */
  readonly kind: string;
  /**
   * Custom resources are served only where their CRD is installed; a 404 on
   * their list means "not installed", not an error. Built-in kinds are always
   * served, so a 404 there is a fault of the server.
   */
  readonly custom: boolean;
}

/**
 * The ids of the listed kinds, `<plural>` for core, `<plural>.<group>`
 * otherwise: the snapshot's kind names.
 *
 * @public
 */
export type ListedKindId = SnapshotKind;

function kind(
  group: string,
  version: string,
  plural: string,
  kindName: string,
  custom: boolean,
): ListedKind {
  const id = (group ? `${plural}.${group}` : plural) as ListedKindId;
  return { id, group, version, plural, kind: kindName, custom };
}

/**
 * The kinds the collector lists, in the order it lists them. Versions are
 * the ones each project serves as storage/stable today: Istio's
 * security and networking `v1` (since 1.22), Gateway API `v1` (HTTPRoute
 * since 1.0, GRPCRoute since 1.1), Linkerd `policy.linkerd.io` Server
 * `v1beta3`, AuthorizationPolicy and MeshTLSAuthentication `v1alpha1`
 * (the only version Linkerd serves for them).
 *
 * @public
 */
export const LISTED_KINDS: readonly ListedKind[] = [
  kind('', 'v1', 'namespaces', 'Namespace', false),
  kind('', 'v1', 'pods', 'Pod', false),
  kind('', 'v1', 'services', 'Service', false),
  kind('apps', 'v1', 'deployments', 'Deployment', false),
  kind('apps', 'v1', 'statefulsets', 'StatefulSet', false),
  kind('apps', 'v1', 'daemonsets', 'DaemonSet', false),
  kind(
    'security.istio.io',
    'v1',
    'peerauthentications',
    'PeerAuthentication',
    true,
  ),
  kind(
    'security.istio.io',
    'v1',
    'authorizationpolicies',
    'AuthorizationPolicy',
    true,
  ),
  kind('networking.istio.io', 'v1', 'sidecars', 'Sidecar', true),
  kind('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true),
  kind('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute', true),
  kind('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute', true),
  kind('policy.linkerd.io', 'v1beta3', 'servers', 'Server', true),
  kind(
    'policy.linkerd.io',
    'v1alpha1',
    'authorizationpolicies',
    'AuthorizationPolicy',
    true,
  ),
  kind(
    'policy.linkerd.io',
    'v1alpha1',
    'meshtlsauthentications',
    'MeshTLSAuthentication',
    true,
  ),
];

/**
 * The URL path of a kind's list across all namespaces.
 *
 * @public
 */
export function listPathOf(listed: ListedKind): string {
  return listed.group
    ? `/apis/${listed.group}/${listed.version}/${listed.plural}`
    : `/api/${listed.version}/${listed.plural}`;
}
