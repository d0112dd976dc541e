/** Check `k8s.pod.uid`: "No container runs as the proxy UID". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import type { FieldPath, Workload } from '../../manifests';
import { isPlainObject } from '../../manifests';
import type { Finding } from '../../types';
import { LINKERD_PROXY_UID } from '../../linkerd';
import { ISTIO_PROXY_UID } from '../../istio/conventions';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { istioFinding, istioMessages } from '../../istio/messageFindings';
import { allContainers, podSpecPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { ownProxyContainers } from './ownProxyContainers';

/**
 * k8s.pod.uid: no application container runs as the proxy's UID, whose
 * traffic iptables lets bypass the proxy. Istio (UID 1337): Istio's own
 * ApplicationUIDAnalyzer (IST0144), which reads Pods and Deployments as
 * upstream does. Linkerd (proxy UID 2102): every workload kind.
 */
export const podProxyUid = defineAnalyzer({
  id: 'k8s.pod.uid',
  title: 'No container runs as the proxy UID',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['IST0144'],
  analyze({ manifests, mesh }) {
    if (mesh === 'istio') {
      const messages = istioMessages(manifests, [
        'deployment.ApplicationUIDAnalyzer',
      ]);
      return judgeWorkloads(
        manifests,
        workload =>
          messages
            .filter(m => m.resource === workload.object)
            .map(m =>
              istioFinding(
                m,
                'fail',
                `set runAsUser to a UID other than ${ISTIO_PROXY_UID}`,
              ),
            ),
        {
          applies: w =>
            w.object.kind === 'Deployment' || w.object.kind === 'Pod',
          none: 'no Deployments or Pods in the manifests (IST0144 reads those kinds)',
          passMessage: w =>
            `${workloadName(w)} does not run as UID ${ISTIO_PROXY_UID}`,
          wording: {
            fail: n => `${count(n, 'workload')} run as UID ${ISTIO_PROXY_UID}`,
          },
        },
      );
    }
    const uid = LINKERD_PROXY_UID;
    const exempt = ownProxyContainers(mesh);
    const finding = (workload: Workload, where: string, field: FieldPath) =>
      objectFinding(
        workload.object,
        'fail',
        `${workloadName(
          workload,
        )}: ${where} runs as UID ${uid}, the Linkerd proxy's UID, so its traffic bypasses the proxy`,
        { field, remediation: `set runAsUser to a UID other than ${uid}` },
      );
    return judgeWorkloads(
      manifests,
      workload => {
        const gaps: Finding[] = [];
        const podContext = workload.podSpec.securityContext;
        if (isPlainObject(podContext) && Number(podContext.runAsUser) === uid) {
          gaps.push(
            finding(
              workload,
              'the pod securityContext',
              podSpecPath(workload, 'securityContext', 'runAsUser'),
            ),
          );
        }
        for (const container of allContainers(workload)) {
          if (exempt.has(container.name)) continue;
          const context = container.spec.securityContext;
          if (isPlainObject(context) && Number(context.runAsUser) === uid) {
            gaps.push(
              finding(workload, `container ${container.name}`, [
                ...container.path,
                'securityContext',
                'runAsUser',
              ]),
            );
          }
        }
        return gaps;
      },
      {
        passMessage: w => `${workloadName(w)} does not run as UID ${uid}`,
        wording: { fail: n => `${count(n, 'container')} run as UID ${uid}` },
      },
    );
  },
});
