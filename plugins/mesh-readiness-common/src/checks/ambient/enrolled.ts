/** Check `mesh.ambient.enrolled`: "Workloads are enrolled in ambient". */
import { AMBIENT_DATA_PLANES, EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { workloadName } from '../support/workloadChecks';
import { ineffectiveEnvoyFilterFindings } from './ineffectiveEnvoyFilters';

/**
 * mesh.ambient.enrolled: every workload is enrolled in ambient (pod or
 * namespace `istio.io/dataplane-mode=ambient`, not opted out, not
 * hostNetwork, no sidecar), and every waypoint binding can carry its
 * traffic. An EnvoyFilter selecting an ambient workload is a warning: it
 * has no effect there (./ineffectiveEnvoyFilters).
 */
export const ambientEnrolled = defineAnalyzer({
  id: 'mesh.ambient.enrolled',
  title: 'Workloads are enrolled in ambient',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'istio cni enablement selector',
    'istio waypoint-for binding',
    'istio ambient migration: EnvoyFilter unsupported',
  ],
  analyze({ manifests, dataPlane }) {
    const workloads = manifests.workloads();
    if (workloads.length === 0)
      return notApplicable('no workloads in the manifests');
    const findings: Finding[] = [];
    for (const workload of workloads) {
      const plane = dataPlane(workload);
      if (!AMBIENT_DATA_PLANES.includes(plane.kind)) {
        findings.push(
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(workload)} is not in ambient: ${plane.reason}`,
            {
              remediation:
                'label the namespace istio.io/dataplane-mode=ambient (and remove sidecar injection)',
            },
          ),
        );
        continue;
      }
      for (const problem of plane.problems) {
        findings.push(
          objectFinding(problem.object, 'fail', problem.message, {
            field: problem.field,
            remediation:
              'bind a waypoint whose istio.io/waypoint-for carries this traffic (workload or all)',
          }),
        );
      }
      if (plane.problems.length === 0) {
        findings.push(
          objectFinding(
            workload.object,
            'pass',
            `${workloadName(workload)} runs in ${
              plane.kind === 'ambient-waypoint'
                ? 'ambient with a waypoint'
                : 'ambient'
            }: ${plane.reason}`,
          ),
        );
      }
    }
    findings.push(...ineffectiveEnvoyFilterFindings(manifests, dataPlane));
    return outcomeFrom(findings, {
      pass: `${count(workloads.length, 'workload')} in ambient`,
      fail: n => `${count(n, 'workload problem')}`,
      warn: n => `${count(n, 'EnvoyFilter')} without effect in ambient`,
    });
  },
});
