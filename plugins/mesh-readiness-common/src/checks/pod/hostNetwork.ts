/** Check `k8s.pod.hostnet`: "Pods do not use the host network". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Workload } from '../../manifests';
import type { MeshFlavour } from '../../types';
import { linkerdInjectReport } from '../../linkerd';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { podSpecPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

/**
 * Linkerd decides with its inject report; Istio's injector skips the same
 * pods (`hostNetwork: true`).
 */
function usesHostNetwork(workload: Workload, mesh: MeshFlavour): boolean {
  return mesh === 'linkerd'
    ? linkerdInjectReport(workload.object.body, {
        origin: 'cli',
      }).reasons.includes('host_network_enabled')
    : workload.podSpec.hostNetwork === true;
}

/** k8s.pod.hostnet: injectors skip pods on the host network. */
export const podHostNetwork = defineAnalyzer({
  id: 'k8s.pod.hostnet',
  title: 'Pods do not use the host network',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio sidecar injector', 'host_network_enabled'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload =>
        usesHostNetwork(workload, mesh)
          ? [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )} sets hostNetwork: true, so the ${mesh} injector skips it and its traffic bypasses the mesh`,
                {
                  field: podSpecPath(workload, 'hostNetwork'),
                  code: mesh === 'linkerd' ? 'host_network_enabled' : undefined,
                  remediation:
                    'remove hostNetwork, or keep the workload out of the mesh and record the exception',
                },
              ),
            ]
          : [],
      {
        passMessage: w => `${workloadName(w)} uses the pod network`,
        wording: { fail: n => `${count(n, 'workload')} on the host network` },
      },
    );
  },
});
