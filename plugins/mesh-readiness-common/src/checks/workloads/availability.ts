/** Check `k8s.availability`: "Replicas and a PodDisruptionBudget". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { isPlainObject, matchesLabelSelector } from '../../manifests';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import type { AnalyzerParameter } from '../types';
import { count, objectFinding } from '../support/findings';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

const MIN_REPLICAS: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 2,
  description:
    'replicas (or HPA minReplicas) needed to stay available while pods restart',
};

const REPLICATED_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
]);

/** k8s.availability: ≥ 2 replicas (or an HPA with min ≥ 2) and a PodDisruptionBudget. */
export const workloadAvailability = defineAnalyzer({
  id: 'k8s.availability',
  title: 'Replicas and a PodDisruptionBudget',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  parameters: { minReplicas: MIN_REPLICAS },
  analyze({ manifests, params }) {
    const minimum = param(params, MIN_REPLICAS, 'minReplicas');
    return judgeWorkloads(
      manifests,
      workload => {
        const findings: Finding[] = [];
        const object = workload.object;
        if (object.kind === 'Pod') {
          return [
            objectFinding(
              object,
              'fail',
              `Pod ${object.name} is a bare Pod: nothing restarts or replicates it`,
              { remediation: 'run it from a Deployment' },
            ),
          ];
        }
        const hpa = manifests.ofKind('HorizontalPodAutoscaler').find(h => {
          const ref = h.body.spec?.scaleTargetRef;
          return (
            h.namespace === object.namespace &&
            isPlainObject(ref) &&
            ref.kind === object.kind &&
            ref.name === object.name
          );
        });
        const replicas = workload.replicas ?? 1;
        const hpaMin = hpa
          ? Number(hpa.body.spec?.minReplicas ?? 1)
          : undefined;
        if (hpa && hpaMin !== undefined && hpaMin < minimum) {
          findings.push(
            objectFinding(
              hpa,
              'fail',
              `HorizontalPodAutoscaler ${hpa.name} allows ${hpaMin} replica${
                hpaMin === 1 ? '' : 's'
              } of ${
                object.name
              }; at least ${minimum} keep it available while pods restart`,
              {
                field: ['spec', 'minReplicas'],
                remediation: `set minReplicas to ${minimum} or more`,
              },
            ),
          );
        } else if (!hpa && replicas < minimum) {
          findings.push(
            objectFinding(
              object,
              'fail',
              `${workloadName(workload)} runs ${replicas} replica${
                replicas === 1 ? '' : 's'
              }; at least ${minimum} keep it available while pods restart`,
              {
                field: ['spec', 'replicas'],
                remediation: `set replicas to ${minimum} or more, or add an HPA with minReplicas ≥ ${minimum}`,
              },
            ),
          );
        }
        const pdb = manifests.ofKind('PodDisruptionBudget').find(p => {
          const selector = p.body.spec?.selector;
          return (
            p.namespace === object.namespace &&
            isPlainObject(selector) &&
            matchesLabelSelector(selector, workload.podLabels)
          );
        });
        if (!pdb) {
          findings.push(
            objectFinding(
              object,
              'fail',
              `no PodDisruptionBudget selects the pods of ${workloadName(
                workload,
              )}`,
              {
                field: [...workload.templatePath, 'metadata', 'labels'],
                remediation:
                  'add a PodDisruptionBudget (e.g. maxUnavailable: 1)',
              },
            ),
          );
        }
        return findings;
      },
      {
        applies: w => REPLICATED_KINDS.has(w.object.kind),
        none: 'no replicated workloads in the manifests',
        passMessage: w =>
          `${workloadName(w)} has replicas and a PodDisruptionBudget`,
        wording: { fail: n => `${count(n, 'availability gap')}` },
      },
    );
  },
});
