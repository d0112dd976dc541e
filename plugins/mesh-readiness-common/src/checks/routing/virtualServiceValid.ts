/** Check `mesh.vs.valid`: "VirtualServices are consistent and resolve". */
import {
  AMBIENT_DATA_PLANES,
  EVERY_DATA_PLANE,
  serviceWaypoint,
} from '../../dataplane';
import type { DataPlaneResolution } from '../../dataplane';
import { gammaRoutesFor } from '../support/gammaRoutes';
import type { ManifestObject, ManifestSet, Workload } from '../../manifests';
import { GATEWAY_API_GROUP } from '../../manifests';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import {
  GATEWAY_API_ROUTE_KINDS,
  gatewayApiRouteFindings,
  virtualServiceGatewayFindings,
} from '../support/routeReferences';
import { istioFinding, istioMessages } from '../../istio/messageFindings';
import { meshServices, virtualServices } from './routedObjects';
import { gatewayApiBackendFindings } from './routeBackends';

/** Is a finding about this object (same file, kind and name)? */
function sameObject(finding: Finding, object: ManifestObject): boolean {
  return (
    finding.file === object.file &&
    finding.resource?.kind === object.kind &&
    finding.resource?.name === object.name &&
    finding.resource?.namespace === (object.namespace || undefined)
  );
}

/**
 * GAMMA routes Istio ignores: routes to a Service whose workloads run in
 * ambient while neither the Service nor its namespace binds a waypoint.
 */
function ambientRouteFindings(
  manifests: ManifestSet,
  dataPlane: (workload: Workload) => DataPlaneResolution,
): Finding[] {
  const findings: Finding[] = [];
  for (const service of meshServices(manifests)) {
    const ambient = manifests
      .workloadsForService(service)
      .some(w => AMBIENT_DATA_PLANES.includes(dataPlane(w).kind));
    if (!ambient || serviceWaypoint(manifests, service)) continue;
    for (const { route, parentIndex } of gammaRoutesFor(manifests, service)) {
      findings.push(
        objectFinding(
          route,
          'fail',
          `${route.kind} ${route.name} will not be respected: Service ${service.name} runs in ambient and neither it nor its namespace binds a waypoint`,
          {
            field: ['spec', 'parentRefs', parentIndex],
            remediation:
              'label the Service or namespace istio.io/use-waypoint=<waypoint> (waypoint template)',
          },
        ),
      );
    }
  }
  return findings;
}

/**
 * Linkerd: a ServiceProfile for a Service takes precedence over the
 * outbound HTTPRoutes attached to it, so their timeouts, retries and
 * weights are silently ignored (ServiceProfiles are superseded since 2.16).
 */
function serviceProfilePrecedenceFindings(manifests: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  for (const service of meshServices(manifests)) {
    const profileName = `${service.name}.${service.namespace}.svc.cluster.local`;
    const profile = manifests
      .ofKind('ServiceProfile')
      .find(p => p.group.startsWith('linkerd.io') && p.name === profileName);
    if (!profile) continue;
    for (const { route } of gammaRoutesFor(manifests, service)) {
      findings.push(
        objectFinding(
          route,
          'fail',
          `${route.kind} ${route.name} is ignored for Service ${service.name}: ServiceProfile ${profile.name} takes precedence over HTTPRoutes`,
          {
            remediation:
              'move the ServiceProfile routes, timeouts and retries to the HTTPRoute and delete the ServiceProfile',
          },
        ),
      );
    }
  }
  return findings;
}

/**
 * mesh.vs.valid: VirtualServices do not fight over mesh hosts (IST0109) and
 * route to hosts, subsets and ports that exist (IST0101, IST0112, IST0140),
 * through Istio's own analyzers; the Gateways they name exist (IST0101,
 * KIA1102); Gateway API routes attach to Gateways / Services that exist and
 * send to Services that exist (KIA1401, KIA1402), on ports those Services
 * declare, with weights that send traffic (./routeBackends) — for Linkerd,
 * only these Gateway API parts apply. See
 * support/routeReferences for references into other namespaces.
 */
export const virtualServiceValid = defineAnalyzer({
  id: 'mesh.vs.valid',
  title: 'VirtualServices are consistent and resolve',
  evidence: ['manifests'],
  // Linkerd: the Gateway API route references only.
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'IST0109',
    'IST0101',
    'IST0112',
    'KIA1101',
    'KIA1102',
    'KIA1106',
    'KIA1107',
    'KIA1401',
    'KIA1402',
  ],
  analyze({ manifests, mesh, dataPlane }) {
    const istio = mesh === 'istio';
    const services = istio ? virtualServices(manifests) : [];
    const routes = GATEWAY_API_ROUTE_KINDS.flatMap(kind =>
      manifests.ofKind(kind, GATEWAY_API_GROUP),
    );
    if (services.length === 0 && routes.length === 0)
      return notApplicable(
        istio
          ? 'no VirtualServices or Gateway API routes in the manifests'
          : 'no Gateway API routes in the manifests',
      );
    const messages = istio
      ? istioMessages(manifests, [
          'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
          'virtualservice.DestinationHostAnalyzer',
          'virtualservice.DestinationRuleAnalyzer',
        ])
      : [];
    const findings = messages.map(m =>
      istioFinding(
        m,
        m.level === 'Error' ? 'fail' : 'warn',
        'fix the host, subset or port, or merge the conflicting VirtualServices',
      ),
    );
    const references = [
      ...(istio ? virtualServiceGatewayFindings(manifests) : []),
      ...gatewayApiRouteFindings(manifests),
      ...gatewayApiBackendFindings(manifests),
      ...(istio
        ? ambientRouteFindings(manifests, dataPlane)
        : serviceProfilePrecedenceFindings(manifests)),
    ];
    findings.push(...references);
    for (const vs of services) {
      if (
        !messages.some(m => m.resource === vs) &&
        !references.some(f => f.line !== undefined && sameObject(f, vs))
      ) {
        findings.push(
          objectFinding(
            vs,
            'pass',
            `VirtualService ${vs.name}: destinations resolve, no host conflicts`,
          ),
        );
      }
    }
    for (const route of routes) {
      if (!references.some(f => sameObject(f, route))) {
        findings.push(
          objectFinding(
            route,
            'pass',
            `${route.kind} ${route.name}: parents and backends resolve`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(services.length + routes.length, 'route object')} valid`,
      fail: n => `${count(n, 'VirtualService problem')}`,
      warn: n => `${count(n, 'VirtualService warning')}`,
    });
  },
});
