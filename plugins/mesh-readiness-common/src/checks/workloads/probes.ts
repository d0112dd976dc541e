/** Check `k8s.probes`: "Readiness and liveness probes exist". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { isPlainObject } from '../../manifests';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { BATCH_KINDS } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { applicationContainers } from './applicationContainers';

/** k8s.probes: long-running containers have readiness and liveness probes. */
export const workloadProbes = defineAnalyzer({
  id: 'k8s.probes',
  title: 'Readiness and liveness probes exist',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio health checks'],
  analyze({ manifests }) {
    return judgeWorkloads(
      manifests,
      workload =>
        applicationContainers(workload).flatMap(container => {
          const missing = ['readinessProbe', 'livenessProbe'].filter(
            p => !isPlainObject(container.spec[p]),
          );
          return missing.length === 0
            ? []
            : [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(workload)}: container ${
                    container.name
                  } has no ${missing.join(' and no ')}`,
                  {
                    field: container.path,
                    remediation: 'add readiness and liveness probes',
                  },
                ),
              ];
        }),
      {
        applies: w => !BATCH_KINDS.has(w.object.kind),
        none: 'no long-running workloads in the manifests',
        passMessage: w =>
          `${workloadName(
            w,
          )}: every container has readiness and liveness probes`,
        wording: { fail: n => `${count(n, 'container')} without probes` },
      },
    );
  },
});
