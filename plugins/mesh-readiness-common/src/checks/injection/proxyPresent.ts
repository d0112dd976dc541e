/** Check `k8s.inject.present`: "Every running pod has the proxy". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { AMBIENT_REDIRECTION } from '../../istio/inMesh';
import type { Finding, MeshFlavour } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { readPods } from '../support/evidenceFacts';
import {
  count,
  notApplicable,
  outcomeFrom,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { ISTIO_PROXY_CONTAINER } from '../../istio/conventions';
import { LINKERD_PROXY_CONTAINER } from '../../linkerd';

const PROXY_CONTAINER: Record<MeshFlavour, string> = {
  istio: ISTIO_PROXY_CONTAINER,
  linkerd: LINKERD_PROXY_CONTAINER,
};

/**
 * k8s.inject.present: every running pod has the proxy (IST0103 on live
 * pods), or for Istio ambient is captured by ztunnel.
 */
export const injectionPresent = defineAnalyzer({
  id: 'k8s.inject.present',
  title: 'Every running pod has the proxy',
  evidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0103', 'linkerd check --proxy'],
  analyze({ facts, mesh }) {
    const pods = readPods(facts.cluster);
    if (!pods) return unknownOutcome('the cluster facts list no pods');
    const running = pods.filter(p => (p.phase ?? 'Running') === 'Running');
    if (running.length === 0) return notApplicable('no running pods');
    const proxy = PROXY_CONTAINER[mesh];
    const findings: Finding[] = running.map(pod => {
      const redirection = pod.annotations?.[AMBIENT_REDIRECTION];
      if (mesh === 'istio' && redirection !== undefined) {
        // Ambient: no proxy in the pod; Istio's CNI records the capture.
        const resource = {
          kind: 'Pod',
          namespace: pod.namespace,
          name: pod.name,
        };
        return redirection === 'enabled'
          ? plainFinding(
              'pass',
              `pod ${pod.namespace}/${pod.name} is captured by ztunnel (${AMBIENT_REDIRECTION}: enabled)`,
              { resource },
            )
          : plainFinding(
              'fail',
              `pod ${pod.namespace}/${pod.name} is enrolled in ambient but not captured yet (${AMBIENT_REDIRECTION}: ${redirection})`,
              {
                resource,
                remediation:
                  "check the istio-cni node agent and ztunnel on the pod's node",
              },
            );
      }
      const meshed =
        pod.containers.includes(proxy) ||
        (pod.initContainers ?? []).includes(proxy);
      return meshed
        ? plainFinding(
            'pass',
            `pod ${pod.namespace}/${pod.name} runs ${proxy}`,
            {
              resource: {
                kind: 'Pod',
                namespace: pod.namespace,
                name: pod.name,
              },
            },
          )
        : plainFinding(
            'fail',
            `pod ${pod.namespace}/${pod.name} has no ${proxy} container`,
            {
              resource: {
                kind: 'Pod',
                namespace: pod.namespace,
                name: pod.name,
              },
              code: mesh === 'istio' ? 'IST0103' : undefined,
              remediation: 'restart the rollout after enabling injection',
            },
          );
    });
    return outcomeFrom(findings, {
      pass: `${count(running.length, 'running pod')} meshed`,
      fail: n => `${n} of ${running.length} running pods lack the proxy`,
    });
  },
});
