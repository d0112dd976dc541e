/*
 * How Istio applies an AuthorizationPolicy to ambient workloads
 * (shared/dataplanes.md "Policy"; istio
 * `pilot/pkg/serviceregistry/ambient/authorization.go`):
 *
 * - a policy with `targetRefs` (or the older `targetRef`) binds to what it
 *   targets — a waypoint Gateway, a Service or ServiceEntry (enforced by
 *   the waypoint that serves it) — and never to the pods its namespace
 *   holds; its `selector` is not used;
 * - a `selector` policy (or a namespace-wide one) is enforced by ztunnel on
 *   ambient workloads, which reads only its L4 part: rules with HTTP
 *   attributes are dropped, so an ALLOW becomes stricter than written and a
 *   DENY made of HTTP rules does nothing; CUSTOM and AUDIT need a waypoint.
 */
import type { DataPlaneResolution } from '../../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../../manifests';
import { isPlainObject, stringMap } from '../../manifests';
import type { Finding } from '../../types';
import { objectFinding } from '../../checks/support/findings';
import { ISTIO_ROOT_NAMESPACE } from '../conventions';
import { workloadName } from '../../checks/support/workloadChecks';

/** A policy's `targetRefs` (and legacy `targetRef`) entries. */
export function policyTargetRefs(
  policy: ManifestObject,
): Array<{ group: string; kind: string; name: string; namespace?: string }> {
  const spec = policy.body.spec;
  if (!isPlainObject(spec)) return [];
  const refs = [
    ...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []),
    ...(isPlainObject(spec.targetRef) ? [spec.targetRef] : []),
  ];
  return refs.filter(isPlainObject).map(ref => ({
    group: typeof ref.group === 'string' ? ref.group : '',
    kind: typeof ref.kind === 'string' ? ref.kind : '',
    name: typeof ref.name === 'string' ? ref.name : '',
    namespace: typeof ref.namespace === 'string' ? ref.namespace : undefined,
  }));
}

export function hasTargetRefs(policy: ManifestObject): boolean {
  return policyTargetRefs(policy).length > 0;
}

/**
 * The workloads an Istio policy applies to, by data plane: a `targetRefs`
 * policy to the ambient workloads whose waypoint it targets or whose
 * Service it targets (when a waypoint serves them); a `selector` or
 * namespace-wide policy to the selected workloads (sidecars enforce all of
 * it, ztunnel its L4 part).
 */
export function istioPolicyWorkloads(
  manifests: ManifestSet,
  policy: ManifestObject,
  dataPlane: (workload: Workload) => DataPlaneResolution,
): Workload[] {
  const refs = policyTargetRefs(policy);
  if (refs.length === 0) {
    const labels = policy.body.spec?.selector?.matchLabels;
    return manifests.workloadsForIstioPolicy(
      policy,
      isPlainObject(labels) ? stringMap(labels) : undefined,
      ISTIO_ROOT_NAMESPACE,
    );
  }
  return manifests.workloads().filter(workload => {
    const plane = dataPlane(workload);
    if (plane.kind !== 'ambient-waypoint' || !plane.waypoint) return false;
    const namespace = workload.object.namespace;
    return refs.some(ref => {
      const refNamespace = ref.namespace ?? policy.namespace;
      if (ref.kind === 'Gateway') {
        return (
          ref.name === plane.waypoint!.name &&
          refNamespace === plane.waypoint!.namespace
        );
      }
      if (ref.kind === 'Service') {
        return (
          refNamespace === namespace &&
          manifests
            .servicesForWorkload(workload)
            .some(service => service.name === ref.name)
        );
      }
      return false;
    });
  });
}

const HTTP_OPERATION_KEYS = [
  'methods',
  'notMethods',
  'paths',
  'notPaths',
  'hosts',
  'notHosts',
];
const HTTP_SOURCE_KEYS = ['requestPrincipals', 'notRequestPrincipals'];
/** `when` keys ztunnel can evaluate; the rest need an HTTP proxy. */
const L4_CONDITION_KEYS = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
  'remote.ip',
  'connection.sni',
]);

/** The HTTP attributes a policy rule uses, with where each is written. */
export function httpAttributes(
  policy: ManifestObject,
): Array<{ rule: number; attribute: string; field: Array<string | number> }> {
  const rules = Array.isArray(policy.body.spec?.rules)
    ? policy.body.spec.rules
    : [];
  const found: Array<{
    rule: number;
    attribute: string;
    field: Array<string | number>;
  }> = [];
  rules.forEach((rule: unknown, r: number) => {
    if (!isPlainObject(rule)) return;
    (Array.isArray(rule.to) ? rule.to : []).forEach((to: any, t: number) => {
      for (const key of HTTP_OPERATION_KEYS) {
        if (to?.operation?.[key] !== undefined) {
          found.push({
            rule: r,
            attribute: key,
            field: ['spec', 'rules', r, 'to', t, 'operation', key],
          });
        }
      }
    });
    (Array.isArray(rule.from) ? rule.from : []).forEach(
      (from: any, f: number) => {
        for (const key of HTTP_SOURCE_KEYS) {
          if (from?.source?.[key] !== undefined) {
            found.push({
              rule: r,
              attribute: key,
              field: ['spec', 'rules', r, 'from', f, 'source', key],
            });
          }
        }
      },
    );
    (Array.isArray(rule.when) ? rule.when : []).forEach(
      (when: any, w: number) => {
        if (typeof when?.key === 'string' && !L4_CONDITION_KEYS.has(when.key)) {
          found.push({
            rule: r,
            attribute: when.key,
            field: ['spec', 'rules', r, 'when', w, 'key'],
          });
        }
      },
    );
  });
  return found;
}

/**
 * Findings for selector / namespace-wide policies on ambient workloads,
 * whose HTTP part ztunnel cannot enforce, and for CUSTOM / AUDIT policies
 * there. A waypoint does not change this: it enforces only `targetRefs`
 * policies.
 */
export function ambientPolicyFindings(
  manifests: ManifestSet,
  policies: ManifestObject[],
  dataPlane: (workload: Workload) => DataPlaneResolution,
): Finding[] {
  const findings: Finding[] = [];
  for (const policy of policies) {
    if (hasTargetRefs(policy)) continue;
    const ambient = istioPolicyWorkloads(manifests, policy, dataPlane).filter(
      workload => {
        const kind = dataPlane(workload).kind;
        return kind === 'ambient' || kind === 'ambient-waypoint';
      },
    );
    if (ambient.length === 0) continue;
    const names = ambient.map(workloadName).join(', ');
    const hasWaypoint = ambient.some(
      w => dataPlane(w).kind === 'ambient-waypoint',
    );
    const move = hasWaypoint
      ? 'move the HTTP rules to a policy with targetRefs on the Service or its waypoint'
      : 'bind a waypoint (istio.io/use-waypoint) and move the HTTP rules to a policy with targetRefs on it, or keep only L4 attributes (principals, namespaces, ports)';
    const action = policy.body.spec?.action ?? 'ALLOW';
    if (action === 'CUSTOM' || action === 'AUDIT') {
      findings.push(
        objectFinding(
          policy,
          'fail',
          `AuthorizationPolicy ${policy.name}: ${action} is not enforced by ztunnel for the ambient workloads it selects (${names}); it needs a waypoint and targetRefs`,
          { field: ['spec', 'action'], remediation: move },
        ),
      );
      continue;
    }
    const attributes = httpAttributes(policy);
    if (attributes.length === 0) continue;
    const list = [...new Set(attributes.map(a => a.attribute))].join(', ');
    findings.push(
      objectFinding(
        policy,
        'fail',
        action === 'DENY'
          ? `AuthorizationPolicy ${policy.name}: ztunnel drops the HTTP attributes (${list}) of this DENY for the ambient workloads it selects (${names}), so those rules deny nothing`
          : `AuthorizationPolicy ${policy.name}: ztunnel drops the HTTP attributes (${list}) of this ALLOW for the ambient workloads it selects (${names}), so it allows less than written and callers it names are refused`,
        { field: attributes[0].field, remediation: move },
      ),
    );
  }
  return findings;
}
