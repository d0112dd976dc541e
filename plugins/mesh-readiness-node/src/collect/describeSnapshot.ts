import type { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * One line saying what a snapshot holds, for a collector's log: counts per
 * kind and the mesh kinds the cluster does not have.
 *
 * @public
 */
export function describeSnapshot(snapshot: ClusterSnapshot): string {
  const count = (n: number, noun: string) =>
    `${n} ${noun}${n === 1 ? '' : 's'}`;
  const parts = [
    count(snapshot.namespaces.length, 'namespace'),
    count(snapshot.workloads.length, 'workload'),
    count(snapshot.pods.length, 'pod'),
    count(snapshot.services.length, 'service'),
    count(
      snapshot.istio.peerAuthentications.length +
        snapshot.istio.authorizationPolicies.length +
        snapshot.istio.sidecars.length,
      'Istio policy',
    ).replace(/policys$/, 'policies'),
    count(
      snapshot.linkerd.servers.length +
        snapshot.linkerd.authorizationPolicies.length +
        snapshot.linkerd.meshTlsAuthentications.length,
      'Linkerd policy',
    ).replace(/policys$/, 'policies'),
    count(snapshot.gateways.length, 'gateway'),
    count(snapshot.routes.length, 'route'),
  ];
  const notInstalled = Object.entries(snapshot.kinds)
    .filter(([, state]) => state === 'not-installed')
    .map(([kind]) => kind);
  return `${snapshot.cluster} observed at ${snapshot.observedAt}: ${parts.join(
    ', ',
  )}${
    notInstalled.length > 0 ? `; not installed: ${notInstalled.join(', ')}` : ''
  }`;
}
