import type {
  FieldPath,
  ManifestObject,
  ManifestSet,
  Workload,
} from '../manifests';
import {
  isPlainObject,
  LINKERD_POLICY_GROUP,
  matchesLabelSelector,
} from '../manifests';
import {
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
  LINKERD_INBOUND_POLICIES,
} from './conventions';
import type { AnalyzerParameter } from '../checks/types';

/** The cluster's default inbound policy, which manifests cannot show. */
export const DEFAULT_INBOUND_POLICY_PARAMETER: AnalyzerParameter & {
  default: string;
} = {
  type: 'string',
  default: 'all-unauthenticated',
  values: [...LINKERD_INBOUND_POLICIES],
  description:
    "Linkerd's cluster-wide default inbound policy (proxy.defaultInboundPolicy), used where neither the pod nor the namespace sets one",
};
import { workloadPorts } from '../checks/support/podSpec';

/*
 * Linkerd's inbound policy as the policy controller resolves it for a pod
 * port: a Server selecting the port decides (its `accessPolicy`, default
 * deny, opened by AuthorizationPolicies); without one the default inbound
 * policy (pod annotation, then namespace annotation, then the cluster
 * default) applies.
 */

export function linkerdPolicyObjects(
  manifests: ManifestSet,
  kind: string,
  namespace: string,
): ManifestObject[] {
  return manifests
    .ofKind(kind, LINKERD_POLICY_GROUP)
    .filter(o => o.namespace === namespace);
}

/** The default inbound policy of a workload and where it is set. */
export function linkerdDefaultPolicy(
  manifests: ManifestSet,
  workload: Workload,
  clusterDefault: string,
): {
  policy: string;
  source: 'pod' | 'namespace' | 'cluster';
  namespace?: ManifestObject;
} {
  const pod =
    workload.podAnnotations[LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION];
  if (pod) return { policy: pod, source: 'pod' };
  const namespace = manifests.namespaceObject(workload.object.namespace);
  const value =
    namespace?.annotations[LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION];
  if (value) return { policy: value, source: 'namespace', namespace };
  return { policy: clusterDefault, source: 'cluster' };
}

/** Where a finding about the default inbound policy should point. */
export function defaultPolicyField(
  workload: Workload,
  source: 'pod' | 'namespace' | 'cluster',
): FieldPath {
  if (source === 'namespace') {
    return [
      'metadata',
      'annotations',
      LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
    ];
  }
  const metadata = [...workload.templatePath, 'metadata'];
  return source === 'pod'
    ? [...metadata, 'annotations', LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION]
    : metadata;
}

/** Servers in the workload's namespace that select its pods on a port. */
export function serversForPort(
  manifests: ManifestSet,
  workload: Workload,
  port: { number: number; name?: string },
): ManifestObject[] {
  return linkerdPolicyObjects(
    manifests,
    'Server',
    workload.object.namespace,
  ).filter(server => {
    const spec = server.body.spec ?? {};
    if (
      !isPlainObject(spec.podSelector) ||
      !matchesLabelSelector(spec.podSelector, workload.podLabels)
    ) {
      return false;
    }
    return typeof spec.port === 'number'
      ? spec.port === port.number
      : spec.port === port.name;
  });
}

/** The container ports of a workload that receive traffic. */
export function inboundPorts(workload: Workload) {
  return workloadPorts(workload).filter(
    p => p.protocol === 'TCP' && Number.isFinite(p.number),
  );
}

/** AuthorizationPolicies whose target is the Server, one of its routes, or the namespace. */
export function policiesForServer(
  manifests: ManifestSet,
  server: ManifestObject,
): ManifestObject[] {
  const routes = new Set(
    manifests
      .ofKind('HTTPRoute')
      .filter(
        r =>
          r.namespace === server.namespace &&
          Array.isArray(r.body.spec?.parentRefs) &&
          r.body.spec.parentRefs.some(
            (p: any) =>
              isPlainObject(p) && p.kind === 'Server' && p.name === server.name,
          ),
      )
      .map(r => r.name),
  );
  return linkerdPolicyObjects(
    manifests,
    'AuthorizationPolicy',
    server.namespace,
  ).filter(policy => {
    const ref = policy.body.spec?.targetRef;
    if (!isPlainObject(ref)) return false;
    return (
      (ref.kind === 'Server' && ref.name === server.name) ||
      (ref.kind === 'HTTPRoute' && routes.has(ref.name)) ||
      ref.kind === 'Namespace'
    );
  });
}

/** The authentication kinds a policy requires (MeshTLSAuthentication, NetworkAuthentication, ServiceAccount). */
export function requiredAuthentications(
  policy: ManifestObject,
): Array<{ kind: string; name: string }> {
  const refs = policy.body.spec?.requiredAuthenticationRefs;
  return Array.isArray(refs)
    ? refs
        .filter(isPlainObject)
        .map(r => ({ kind: String(r.kind ?? ''), name: String(r.name ?? '') }))
    : [];
}
