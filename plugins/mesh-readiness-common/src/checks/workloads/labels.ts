/** Check `k8s.labels`: "Pods carry app and version labels". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { NAME_LABELS } from './nameLabels';

const VERSION_LABELS = ['version', 'app.kubernetes.io/version'];

/** k8s.labels: pods carry an application name and version label. */
export const workloadLabels = defineAnalyzer({
  id: 'k8s.labels',
  title: 'Pods carry app and version labels',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio application requirements'],
  analyze({ manifests }) {
    return judgeWorkloads(
      manifests,
      workload => {
        const missing = [
          NAME_LABELS.some(l => workload.podLabels[l])
            ? undefined
            : '`app` (or `app.kubernetes.io/name`)',
          VERSION_LABELS.some(l => workload.podLabels[l])
            ? undefined
            : '`version` (or `app.kubernetes.io/version`)',
        ].filter((m): m is string => m !== undefined);
        return missing.length === 0
          ? []
          : [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )}: the pod template lacks the label ${missing.join(' and ')}`,
                {
                  field: [...workload.templatePath, 'metadata', 'labels'],
                  remediation:
                    'add `app` and `version` labels to the pod template',
                },
              ),
            ];
      },
      {
        passMessage: w =>
          `${workloadName(w)} pods are labelled with name and version`,
        wording: {
          fail: n => `${count(n, 'workload')} without app/version labels`,
        },
      },
    );
  },
});
