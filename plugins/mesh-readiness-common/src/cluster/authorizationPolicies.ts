/*
 * The authorization policies in force for a workload, from the cluster:
 *
 * - Istio (istio.io "AuthorizationPolicy"): a policy with a `selector`
 *   applies to the matching workloads of its namespace, or of every
 *   namespace when it lives in the root namespace; without a selector or
 *   targetRefs to its whole namespace (the whole mesh from the root
 *   namespace); with `targetRefs` to what they name — a Service selecting
 *   the workload, or the waypoint serving it (shared/dataplanes.md
 *   "Policy"). `istio.io/dry-run: "true"` makes it a dry run.
 * - Linkerd (linkerd.io "Authorization policy"): an AuthorizationPolicy
 *   targets a Server (which selects pods and a port) or a whole namespace;
 *   a Server with `accessPolicy: audit` only reports what it would deny.
 */
import { matchesLabelSelector } from '../manifests';
import type {
  AuthorizationInForce,
  LiveDataPlane,
} from '../schema/clusterFacts';
import type { SnapshotService } from '../schema/clusterSnapshot';
import { compareStrings } from '../engine/compareStrings';
import type { IndexedSnapshot } from './clusterIndex';
import { istioRootNamespace } from './peerAuthentication';

const LINKERD_POLICY_GROUP = 'policy.linkerd.io';

function selects(
  selector: Record<string, string>,
  labels: Readonly<Record<string, string>>,
) {
  return Object.entries(selector).every(
    ([key, value]) => labels[key] === value,
  );
}

/** The Istio policies in force for one workload. */
function istioPolicies(
  indexed: IndexedSnapshot,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  services: ReadonlyArray<SnapshotService>,
  dataPlane: LiveDataPlane | undefined,
): AuthorizationInForce[] {
  const root = istioRootNamespace(indexed);
  const serviceNames = new Set(
    services.filter(s => s.namespace === namespace).map(s => s.name),
  );
  const candidates = [
    ...(indexed.istioAuthorizationByNamespace.get(namespace) ?? []),
    ...(namespace === root
      ? []
      : indexed.istioAuthorizationByNamespace.get(root) ?? []),
  ];
  const inForce: AuthorizationInForce[] = [];
  for (const policy of candidates) {
    const fromRoot = policy.namespace === root && namespace !== root;
    let boundBy: AuthorizationInForce['boundBy'] | undefined;
    if (policy.targetRefs && policy.targetRefs.length > 0) {
      const bound = policy.targetRefs.some(ref => {
        const refNamespace = ref.namespace ?? policy.namespace;
        if (ref.kind === 'Service' && !ref.group) {
          return refNamespace === namespace && serviceNames.has(ref.name);
        }
        if (ref.kind === 'Gateway' && dataPlane?.waypoint) {
          return (
            refNamespace === dataPlane.waypoint.namespace &&
            ref.name === dataPlane.waypoint.name
          );
        }
        return false;
      });
      if (bound) boundBy = 'target-ref';
    } else if (policy.selector && Object.keys(policy.selector).length > 0) {
      if (selects(policy.selector, labels)) {
        boundBy = fromRoot ? 'root-namespace' : 'selector';
      }
    } else {
      boundBy = fromRoot ? 'root-namespace' : 'namespace';
    }
    if (!boundBy) continue;
    inForce.push({
      mesh: 'istio',
      namespace: policy.namespace,
      name: policy.name,
      action: policy.action,
      dryRun: policy.dryRun,
      rules: policy.rules,
      boundBy,
    });
  }
  return inForce;
}

/** The Linkerd policies in force for one workload. */
function linkerdPolicies(
  indexed: IndexedSnapshot,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): AuthorizationInForce[] {
  const servers = (
    indexed.linkerdServersByNamespace.get(namespace) ?? []
  ).filter(
    server =>
      !server.podSelector || matchesLabelSelector(server.podSelector, labels),
  );
  if (servers.length === 0) return [];
  const serverByName = new Map(servers.map(server => [server.name, server]));
  const inForce: AuthorizationInForce[] = [];
  for (const policy of indexed.linkerdAuthorizationByNamespace.get(namespace) ??
    []) {
    const target = policy.targetRef;
    const group = target.group ?? LINKERD_POLICY_GROUP;
    let boundBy: AuthorizationInForce['boundBy'] | undefined;
    let dryRun = false;
    if (target.kind === 'Server' && group === LINKERD_POLICY_GROUP) {
      const server = serverByName.get(target.name);
      if (server) {
        boundBy = 'server';
        dryRun = server.accessPolicy === 'audit';
      }
    } else if (
      target.kind === 'Namespace' &&
      !target.group &&
      target.name === namespace
    ) {
      boundBy = 'namespace';
    }
    if (!boundBy) continue;
    inForce.push({
      mesh: 'linkerd',
      namespace: policy.namespace,
      name: policy.name,
      action: 'ALLOW',
      dryRun,
      rules: policy.requiredAuthenticationRefs.length,
      boundBy,
    });
  }
  return inForce;
}

/** Every policy in force for a workload, sorted by mesh, namespace and name. */
export function authorizationPoliciesInForce(
  indexed: IndexedSnapshot,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  services: ReadonlyArray<SnapshotService>,
  dataPlane: LiveDataPlane | undefined,
): AuthorizationInForce[] {
  return [
    ...istioPolicies(indexed, namespace, labels, services, dataPlane),
    ...linkerdPolicies(indexed, namespace, labels),
  ].sort(
    (a, b) =>
      compareStrings(a.mesh, b.mesh) ||
      compareStrings(a.namespace, b.namespace) ||
      compareStrings(a.name, b.name),
  );
}
