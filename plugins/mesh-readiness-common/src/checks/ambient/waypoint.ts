/** Check `mesh.ambient.waypoint`: "A waypoint serves every Service that needs L7". */
import {
  AMBIENT_DATA_PLANES,
  findWaypoint,
  serviceWaypoint,
} from '../../dataplane';
import type { ManifestObject, ManifestSet } from '../../manifests';
import { isPlainObject, ISTIO_SECURITY_GROUP } from '../../manifests';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { gammaRoutesFor } from '../support/gammaRoutes';
import { httpAttributes } from '../../istio/policy/ambientPolicy';

/** Objects that need L7 processing for a Service, with why. */
function l7Needs(
  manifests: ManifestSet,
  service: ManifestObject,
): Array<{ object: ManifestObject; why: string }> {
  const needs = gammaRoutesFor(manifests, service).map(({ route }) => ({
    object: route,
    why: `${route.kind} ${route.name} routes it`,
  }));
  for (const policy of manifests.ofKind(
    'AuthorizationPolicy',
    ISTIO_SECURITY_GROUP,
  )) {
    if (policy.namespace !== service.namespace) continue;
    const targetsService = (
      Array.isArray(policy.body.spec?.targetRefs)
        ? policy.body.spec.targetRefs
        : []
    ).some(
      (ref: any) =>
        isPlainObject(ref) &&
        ref.kind === 'Service' &&
        ref.name === service.name,
    );
    if (targetsService && httpAttributes(policy).length > 0) {
      needs.push({
        object: policy,
        why: `AuthorizationPolicy ${policy.name} has HTTP rules for it`,
      });
    }
  }
  return needs;
}

/**
 * mesh.ambient.waypoint: where a Service needs L7 processing (GAMMA
 * routes, HTTP authorization rules with targetRefs), it or its namespace
 * binds a waypoint, and the waypoint Gateway is declared where the
 * manifests can show it.
 */
export const ambientWaypoint = defineAnalyzer({
  id: 'mesh.ambient.waypoint',
  title: 'A waypoint serves every Service that needs L7',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: AMBIENT_DATA_PLANES,
  upstream: ['istio waypoint binding', 'istio gateway conditions'],
  analyze({ manifests }) {
    const services = manifests
      .ofKind('Service', '')
      .filter(s => manifests.workloadsForService(s).length > 0);
    if (services.length === 0)
      return notApplicable('no Services select the ambient workloads');
    const findings: Finding[] = [];
    for (const service of services) {
      const needs = l7Needs(manifests, service);
      const waypoint = serviceWaypoint(manifests, service);
      if (needs.length === 0) {
        findings.push(
          objectFinding(
            service,
            'pass',
            `Service ${service.name} needs no L7 processing${
              waypoint ? '' : ', so L4 (ztunnel) is enough'
            }`,
          ),
        );
        continue;
      }
      if (!waypoint) {
        findings.push(
          objectFinding(
            needs[0].object,
            'fail',
            `Service ${service.name} needs L7 (${needs
              .map(n => n.why)
              .join('; ')}) but neither it nor its namespace binds a waypoint`,
            {
              remediation:
                'deploy a waypoint (Gateway of class istio-waypoint) and label the Service or namespace istio.io/use-waypoint=<name>',
            },
          ),
        );
        continue;
      }
      const gateway = findWaypoint(
        manifests,
        waypoint.name,
        waypoint.namespace,
      );
      const declaredNamespace = manifests
        .namespaces()
        .includes(waypoint.namespace);
      if (!gateway && declaredNamespace) {
        findings.push(
          objectFinding(
            service,
            'fail',
            `Service ${service.name} binds waypoint ${waypoint.namespace}/${waypoint.name}, which these manifests do not declare in a namespace they deploy to`,
            {
              field: ['metadata', 'labels', 'istio.io/use-waypoint'],
              remediation:
                'add the waypoint Gateway (gatewayClassName: istio-waypoint) or fix the label',
            },
          ),
        );
        continue;
      }
      findings.push(
        objectFinding(
          gateway ?? service,
          'pass',
          `Service ${service.name} is served by waypoint ${waypoint.namespace}/${waypoint.name} (bound by the ${waypoint.boundBy})`,
        ),
      );
    }
    return outcomeFrom(findings, {
      pass: `L7 served by waypoints for ${count(services.length, 'Service')}`,
      fail: n => `${count(n, 'Service')} without the waypoint it needs`,
    });
  },
});
