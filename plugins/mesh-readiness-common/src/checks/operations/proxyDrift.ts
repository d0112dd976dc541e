/** Check `ops.drift`: "Proxy versions match the control plane, annotations valid". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  readAnnotationProblems,
  readControlPlaneVersion,
  readPods,
} from '../support/evidenceFacts';
import {
  notApplicable,
  outcomeFrom,
  plainFinding,
  unknownOutcome,
} from '../support/findings';

/** ops.drift: proxies match the control plane; annotations valid. */
export const proxyDrift = defineAnalyzer({
  id: 'ops.drift',
  title: 'Proxy versions match the control plane, annotations valid',
  evidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['IST0158', 'IST0107', 'IST0108', 'IST0125', 'IST0135', 'IST0136'],
  analyze({ facts, mesh }) {
    const pods = readPods(facts.cluster);
    const version = readControlPlaneVersion(facts.cluster, mesh);
    const problems = readAnnotationProblems(facts.cluster);
    if ((!pods || !version) && !problems) {
      return unknownOutcome(
        'the cluster facts have no proxy or control-plane versions',
      );
    }
    const findings: Finding[] = [];
    if (pods && version) {
      for (const pod of pods) {
        if (!pod.proxyVersion) continue;
        const resource = {
          kind: 'Pod',
          namespace: pod.namespace,
          name: pod.name,
        };
        findings.push(
          pod.proxyVersion === version
            ? plainFinding(
                'pass',
                `pod ${pod.namespace}/${pod.name} runs proxy ${pod.proxyVersion}`,
                { resource },
              )
            : plainFinding(
                'fail',
                `pod ${pod.namespace}/${pod.name} runs proxy ${pod.proxyVersion}, the control plane is ${version}`,
                {
                  resource,
                  code: mesh === 'istio' ? 'IST0158' : undefined,
                  remediation:
                    'restart the rollout to pick up the current proxy',
                },
              ),
        );
      }
    }
    for (const problem of problems ?? []) {
      findings.push(
        plainFinding('fail', problem.message, {
          resource: {
            kind: problem.kind,
            name: problem.name,
            namespace: problem.namespace,
          },
          code: problem.code,
          remediation: 'fix the annotation',
        }),
      );
    }
    if (findings.length === 0) return notApplicable('no meshed pods reported');
    return outcomeFrom(findings, {
      pass: version ? `all proxies at ${version}` : 'annotations valid',
      fail: n => `${n} drift or annotation problem${n === 1 ? '' : 's'}`,
    });
  },
});
