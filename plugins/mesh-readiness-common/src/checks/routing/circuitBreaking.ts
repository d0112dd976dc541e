/** Check `mesh.dr.resilience`: "Circuit breaking configured". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { isPlainObject } from '../../manifests';
import { LINKERD_FAILURE_ACCRUAL_ANNOTATION } from '../../linkerd';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { destinationRulesFor } from '../../istio/serviceHosts';
import { meshServices } from './routedObjects';

/**
 * mesh.dr.resilience: clients of each Service get circuit breaking. Istio:
 * a DestinationRule for the host with `outlierDetection` and
 * `connectionPool`. Linkerd: failure accrual on the Service
 * (`balancer.linkerd.io/failure-accrual: consecutive`).
 */
export const destinationRuleResilience = defineAnalyzer({
  id: 'mesh.dr.resilience',
  title: 'Circuit breaking configured',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['platform policy'],
  analyze({ manifests, mesh }) {
    const services = meshServices(manifests);
    if (services.length === 0)
      return notApplicable('no Services in the manifests');
    const findings: Finding[] = [];
    for (const service of services) {
      if (mesh === 'linkerd') {
        const value = service.annotations[LINKERD_FAILURE_ACCRUAL_ANNOTATION];
        findings.push(
          value === 'consecutive'
            ? objectFinding(
                service,
                'pass',
                `Service ${service.name} enables failure accrual`,
                {
                  field: [
                    'metadata',
                    'annotations',
                    LINKERD_FAILURE_ACCRUAL_ANNOTATION,
                  ],
                },
              )
            : objectFinding(
                service,
                'fail',
                `Service ${service.name} has no circuit breaking (${LINKERD_FAILURE_ACCRUAL_ANNOTATION}: consecutive)`,
                {
                  field: ['metadata', 'annotations'],
                  remediation: `annotate the Service with ${LINKERD_FAILURE_ACCRUAL_ANNOTATION}: consecutive`,
                },
              ),
        );
        continue;
      }
      // The rules clients of the Service actually get: the most specific
      // host per namespace, wildcard rules included.
      const rules = destinationRulesFor(manifests, service);
      if (rules.length === 0) {
        findings.push(
          objectFinding(
            service,
            'fail',
            `no DestinationRule sets circuit breaking for Service ${service.name}`,
            {
              remediation:
                'add a DestinationRule with outlierDetection and connectionPool (resilience template)',
            },
          ),
        );
        continue;
      }
      for (const rule of rules) {
        const policy = isPlainObject(rule.body.spec?.trafficPolicy)
          ? rule.body.spec.trafficPolicy
          : {};
        const missing = ['outlierDetection', 'connectionPool'].filter(
          k => !isPlainObject(policy[k]),
        );
        findings.push(
          missing.length === 0
            ? objectFinding(
                rule,
                'pass',
                `DestinationRule ${rule.name} sets outlierDetection and connectionPool for ${service.name}`,
                { field: ['spec', 'trafficPolicy'] },
              )
            : objectFinding(
                rule,
                'fail',
                `DestinationRule ${rule.name} for ${
                  service.name
                } lacks ${missing.join(' and ')}`,
                {
                  field: ['spec', 'trafficPolicy'],
                  remediation: `add trafficPolicy.${missing.join(
                    ' and trafficPolicy.',
                  )}`,
                },
              ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `circuit breaking for ${count(services.length, 'Service')}`,
      fail: n => `${count(n, 'Service')} without circuit breaking`,
    });
  },
});
