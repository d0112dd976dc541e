/** Check `ops.declared.observed`: "What Git declares is what the cluster runs". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestObject, ManifestSet } from '../../manifests';
import {
  GATEWAY_API_GROUP,
  ISTIO_NETWORKING_GROUP,
  ISTIO_SECURITY_GROUP,
  LINKERD_POLICY_GROUP,
} from '../../manifests';
import type { ClusterFacts, ClusterRouteFact } from '../../schema/clusterFacts';
import type { SnapshotKind } from '../../schema/clusterSnapshot';
import type { Finding, MeshFlavour } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { readClusterFacts } from '../support/clusterEvidence';
import {
  compareText,
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
  unknownOutcome,
} from '../support/findings';

/** A kind of declared object the cluster must have, and its CRD's name. */
interface ObservedKind {
  kind: string;
  group: string;
  resource: SnapshotKind;
}

const ROUTE_KINDS: ObservedKind[] = [
  {
    kind: 'HTTPRoute',
    group: GATEWAY_API_GROUP,
    resource: 'httproutes.gateway.networking.k8s.io',
  },
  {
    kind: 'GRPCRoute',
    group: GATEWAY_API_GROUP,
    resource: 'grpcroutes.gateway.networking.k8s.io',
  },
];

/** The policies and routes each mesh's collector lists (DESIGN §5a). */
const OBSERVED_KINDS: Record<MeshFlavour, ObservedKind[]> = {
  istio: [
    {
      kind: 'PeerAuthentication',
      group: ISTIO_SECURITY_GROUP,
      resource: 'peerauthentications.security.istio.io',
    },
    {
      kind: 'AuthorizationPolicy',
      group: ISTIO_SECURITY_GROUP,
      resource: 'authorizationpolicies.security.istio.io',
    },
    {
      kind: 'Sidecar',
      group: ISTIO_NETWORKING_GROUP,
      resource: 'sidecars.networking.istio.io',
    },
    ...ROUTE_KINDS,
  ],
  linkerd: [
    {
      kind: 'Server',
      group: LINKERD_POLICY_GROUP,
      resource: 'servers.policy.linkerd.io',
    },
    {
      kind: 'AuthorizationPolicy',
      group: LINKERD_POLICY_GROUP,
      resource: 'authorizationpolicies.policy.linkerd.io',
    },
    {
      kind: 'MeshTLSAuthentication',
      group: LINKERD_POLICY_GROUP,
      resource: 'meshtlsauthentications.policy.linkerd.io',
    },
    ...ROUTE_KINDS,
  ],
};

function declaredObjects(
  manifests: ManifestSet,
  mesh: MeshFlavour,
): Array<{ object: ManifestObject; kind: ObservedKind }> {
  return OBSERVED_KINDS[mesh].flatMap(kind =>
    manifests.ofKind(kind.kind, kind.group).map(object => ({ object, kind })),
  );
}

/**
 * The clusters where the entity runs in a namespace: the declared object
 * must be there. An object without a namespace is looked for in every
 * namespace the entity runs in.
 */
function clustersRunningIn(
  cluster: ClusterFacts,
  namespace: string,
): Map<string, string[]> {
  const byCluster = new Map<string, string[]>();
  for (const ns of cluster.namespaces ?? []) {
    if (namespace !== '' && ns.name !== namespace) continue;
    byCluster.set(ns.cluster, [...(byCluster.get(ns.cluster) ?? []), ns.name]);
  }
  return byCluster;
}

function judgeObject(
  cluster: ClusterFacts,
  object: ManifestObject,
  kind: ObservedKind,
): Finding[] {
  const what = `${object.kind} ${
    object.namespace ? `${object.namespace}/` : ''
  }${object.name}`;
  const clusters = clustersRunningIn(cluster, object.namespace);
  if (clusters.size === 0) {
    return [
      objectFinding(
        object,
        'info',
        `${what} not compared: the entity runs in no namespace ${
          object.namespace || '(none given)'
        } in the clusters observed`,
      ),
    ];
  }
  const findings: Finding[] = [];
  for (const [name, namespaces] of [...clusters].sort(([a], [b]) =>
    compareText(a, b),
  )) {
    const notInstalled = (cluster.notInstalled ?? []).some(
      entry => entry.cluster === name && entry.kind === kind.resource,
    );
    if (notInstalled) {
      findings.push(
        objectFinding(
          object,
          'fail',
          `${what} is in the manifests, but cluster ${name} does not have the ${kind.resource} CRD: nothing of this kind is in force there`,
          {
            remediation: `install the mesh's ${kind.kind} CRD in cluster ${name}, then apply the manifests`,
          },
        ),
      );
      continue;
    }
    const present = (cluster.meshObjects ?? []).find(
      live =>
        live.cluster === name &&
        live.kind === object.kind &&
        live.group === kind.group &&
        namespaces.includes(live.namespace) &&
        live.name === object.name,
    );
    const route: ClusterRouteFact | undefined = (cluster.routes ?? []).find(
      live =>
        live.cluster === name &&
        live.kind === object.kind &&
        namespaces.includes(live.namespace) &&
        live.name === object.name,
    );
    if (!present && !route) {
      findings.push(
        objectFinding(
          object,
          'fail',
          `${what} is in the manifests but not in cluster ${name}`,
          {
            remediation: `apply the manifests to cluster ${name} (or remove the object from Git if it was dropped on purpose)`,
          },
        ),
      );
      continue;
    }
    if (route && !route.accepted) {
      findings.push(
        objectFinding(
          object,
          'fail',
          `${what} is in cluster ${name} but was not accepted${
            route.reason ? `: ${route.reason}` : ''
          }`,
          {
            remediation:
              'fix the parentRefs and backendRefs the route status names (kubectl describe), then re-apply',
          },
        ),
      );
      continue;
    }
    findings.push(
      objectFinding(
        object,
        'pass',
        `${what} is in cluster ${name}${route ? ' and accepted' : ''}`,
      ),
    );
  }
  return findings;
}

/**
 * ops.declared.observed: every policy and route the manifests declare —
 * Istio PeerAuthentication, AuthorizationPolicy and Sidecar, Linkerd
 * Server, AuthorizationPolicy and MeshTLSAuthentication, Gateway API
 * HTTPRoute / GRPCRoute — exists in each cluster where the entity runs in
 * its namespace (same kind, namespace and name), and routes were accepted
 * there (status `Accepted` / `ResolvedRefs`, with the condition's reason
 * and message). A declaration the cluster lacks is a verdict on paper
 * only (DESIGN §5a "Declared versus observed").
 */
export const declaredObserved = defineAnalyzer({
  id: 'ops.declared.observed',
  title: 'Policies and routes in the manifests are in force in the cluster',
  evidence: ['manifests', 'cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ manifests, facts, mesh }) {
    const reading = readClusterFacts(facts);
    if (!reading.ok) return unknownOutcome(reading.reason);
    const declared = declaredObjects(manifests, mesh);
    if (declared.length === 0) {
      return notApplicable('the manifests declare no mesh policy or route');
    }
    const cluster = reading.facts;
    if (!cluster.meshObjects) {
      return unknownOutcome('the cluster facts list no mesh objects');
    }
    const findings: Finding[] = [];
    let compared = 0;
    for (const { object, kind } of declared) {
      const judged = judgeObject(cluster, object, kind);
      if (judged.some(f => f.level !== 'info')) compared++;
      findings.push(...judged);
    }
    if (compared === 0) {
      return {
        status: 'unknown',
        summary:
          'no declared policy or route is in a namespace where the entity runs in the clusters observed',
        findings,
      };
    }
    return outcomeFrom(findings, {
      pass: `${count(
        compared,
        'declared policy or route',
        'declared policies and routes',
      )} in force`,
      fail: n =>
        `${count(n, 'declared object')} missing or not accepted in the cluster`,
    });
  },
});
