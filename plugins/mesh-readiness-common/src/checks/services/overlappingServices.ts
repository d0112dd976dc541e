/** Check `k8s.svc.multi`: "Services selecting the same pods agree on ports". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../../istio/messageFindings';

/**
 * k8s.svc.multi: Services selecting the same pods agree on protocols per
 * port and on target ports. Istio's ServiceAssociationAnalyzer (IST0116,
 * IST0137) judges it, on the manifests as they will be once onboarded; the
 * conflict is mesh-independent, so Linkerd gets the same findings without
 * Istio's codes.
 */
export const serviceMulti = defineAnalyzer({
  id: 'k8s.svc.multi',
  title: 'Services selecting the same pods agree on ports',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0116', 'IST0137'],
  analyze({ manifests, mesh }) {
    const deployments = manifests.ofKind('Deployment');
    const shared = deployments.filter(d => {
      const workload = manifests.workloads().find(w => w.object === d);
      return (
        workload !== undefined &&
        manifests.servicesForWorkload(workload).length > 1
      );
    });
    if (shared.length === 0) {
      return notApplicable(
        'no Deployment is selected by more than one Service',
      );
    }
    const messages = istioMessages(asOnboarded(manifests), [
      'deployment.ServiceAssociationAnalyzer',
    ]);
    const findings: Finding[] = messages.map(message => {
      const finding = istioFinding(
        message,
        'fail',
        'align the port numbers, protocols and target ports of the Services',
      );
      if (mesh !== 'istio') delete finding.code;
      return finding;
    });
    for (const deployment of shared) {
      if (!messages.some(m => m.resource === deployment)) {
        findings.push(
          objectFinding(
            deployment,
            'pass',
            `Deployment ${deployment.name}: its Services agree on ports and protocols`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(shared.length, 'shared Deployment')} consistent`,
      fail: n => `${count(n, 'port conflict')}`,
    });
  },
});
