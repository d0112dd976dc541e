/*
 * The mTLS mode Istio enforces for a workload's inbound traffic, from the
 * PeerAuthentications in the cluster (istio.io "PeerAuthentication";
 * `pilot/pkg/security/authn`): the workload's own policy (selector in its
 * namespace), then its namespace's (no selector), then the mesh's (no
 * selector, in the root namespace); a policy whose mode is UNSET inherits
 * from the next one, and with none the mesh default is PERMISSIVE. Of two
 * policies at one level Istio applies the oldest. Port-level modes are
 * honoured on workload policies only.
 */
import type { MtlsInForce } from '../schema/clusterFacts';
import type { ClusterSnapshot } from '../schema/clusterSnapshot';
import { ISTIO_ROOT_NAMESPACE } from '../istio/conventions';
import { compareStrings } from '../engine/compareStrings';
import type { IndexedSnapshot } from './clusterIndex';

type PeerAuthentication =
  ClusterSnapshot['istio']['peerAuthentications'][number];

/** The oldest policy (then the first by name), as Istio chooses. */
function oldest(
  policies: ReadonlyArray<PeerAuthentication>,
): PeerAuthentication | undefined {
  return [...policies].sort(
    (a, b) =>
      compareStrings(a.createdAt ?? '', b.createdAt ?? '') ||
      compareStrings(a.name, b.name),
  )[0];
}

function selects(
  selector: Record<string, string>,
  labels: Readonly<Record<string, string>>,
) {
  return Object.entries(selector).every(
    ([key, value]) => labels[key] === value,
  );
}

/** The root namespace of the cluster's Istio (meshConfig.rootNamespace). */
export function istioRootNamespace(indexed: IndexedSnapshot): string {
  return (
    indexed.snapshot.istio.controlPlane?.rootNamespace ?? ISTIO_ROOT_NAMESPACE
  );
}

/**
 * The mode in force for a workload whose pods carry `labels`, or undefined
 * when the cluster has no PeerAuthentication kind (Istio not installed).
 */
export function mtlsInForce(
  indexed: IndexedSnapshot,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): MtlsInForce | undefined {
  if (
    indexed.snapshot.kinds['peerauthentications.security.istio.io'] !== 'listed'
  ) {
    return undefined;
  }
  const root = istioRootNamespace(indexed);
  const own = indexed.peerAuthenticationsByNamespace.get(namespace) ?? [];
  const workloadPolicy = oldest(
    own.filter(
      p =>
        p.selector &&
        Object.keys(p.selector).length > 0 &&
        selects(p.selector, labels),
    ),
  );
  const namespacePolicy = oldest(
    own.filter(p => !p.selector || Object.keys(p.selector).length === 0),
  );
  const meshPolicy = oldest(
    (indexed.peerAuthenticationsByNamespace.get(root) ?? []).filter(
      p => !p.selector || Object.keys(p.selector).length === 0,
    ),
  );
  const levels = [
    { scope: 'workload' as const, policy: workloadPolicy },
    // In the root namespace, its namespace policy is the mesh's.
    {
      scope: namespace === root ? ('mesh' as const) : ('namespace' as const),
      policy: namespacePolicy,
    },
    {
      scope: 'mesh' as const,
      policy: namespace === root ? undefined : meshPolicy,
    },
  ];
  let result: MtlsInForce = {
    mode: 'PERMISSIVE',
    source: { scope: 'mesh-default' },
  };
  for (const { scope, policy } of levels) {
    if (policy?.mode && policy.mode !== 'UNSET') {
      result = {
        mode: policy.mode,
        source: { scope, namespace: policy.namespace, name: policy.name },
      };
      break;
    }
  }
  const portLevel = workloadPolicy?.portLevelMtls;
  if (portLevel && Object.keys(portLevel).length > 0) {
    result.portLevel = Object.fromEntries(
      Object.entries(portLevel)
        .map(([port, mode]): [string, typeof mode] =>
          // An UNSET port inherits the workload's mode.
          [port, mode === 'UNSET' ? result.mode : mode],
        )
        .sort(([a], [b]) => Number(a) - Number(b)),
    );
  }
  return result;
}
