/*
 * EnvoyFilters that select ambient workloads. An EnvoyFilter with a
 * `workloadSelector` (or none: every workload of its namespace, or of the
 * mesh from the root namespace) patches the sidecars of the pods it
 * selects. An ambient pod has no sidecar, and a waypoint takes only
 * EnvoyFilters that name it with `targetRefs`, so such a filter does
 * nothing for that pod (istio.io ambient migration guide; the same reason
 * a Sidecar resource is ineffective in ambient, IST0167).
 */
import { AMBIENT_DATA_PLANES } from '../../dataplane';
import type { DataPlaneResolution } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import { isPlainObject, ISTIO_NETWORKING_GROUP } from '../../manifests';
import { ISTIO_ROOT_NAMESPACE } from '../../istio/conventions';
import type { Finding } from '../../types';
import { objectFinding } from '../support/findings';
import { workloadName } from '../support/workloadChecks';

/** One `warn` per (EnvoyFilter, ambient workload it selects). */
export function ineffectiveEnvoyFilterFindings(
  manifests: ManifestSet,
  dataPlane: (workload: Workload) => DataPlaneResolution,
): Finding[] {
  const findings: Finding[] = [];
  for (const filter of manifests.ofKind(
    'EnvoyFilter',
    ISTIO_NETWORKING_GROUP,
  )) {
    const spec = isPlainObject(filter.body.spec) ? filter.body.spec : {};
    // A filter bound with targetRefs (a waypoint or Gateway) applies there.
    if (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) continue;
    const selector = isPlainObject(spec.workloadSelector)
      ? spec.workloadSelector
      : undefined;
    const labels =
      selector && isPlainObject(selector.labels)
        ? (selector.labels as Record<string, string>)
        : undefined;
    for (const workload of manifests.workloadsForIstioPolicy(
      filter,
      labels,
      ISTIO_ROOT_NAMESPACE,
    )) {
      if (!AMBIENT_DATA_PLANES.includes(dataPlane(workload).kind)) continue;
      findings.push(
        objectFinding(
          filter,
          'warn',
          `EnvoyFilter ${filter.name} selects ${workloadName(
            workload,
          )}, which runs in ambient: there is no sidecar to patch and waypoints take only EnvoyFilters that target them, so the filter has no effect`,
          {
            // The selector where there is one, else the filter itself.
            ...(labels ? { field: ['spec', 'workloadSelector'] } : {}),
            remediation:
              'replace the EnvoyFilter with a supported API (HTTPRoute filters, Telemetry, WasmPlugin with targetRefs), bind it to the waypoint with targetRefs, or keep the workload on sidecars',
          },
        ),
      );
    }
  }
  return findings;
}
