/*
 * Checks of Istio's ambient data plane (the `istio-ambient-adoption`
 * program) and of the published blockers for moving a sidecar service to
 * ambient (the `istio-sidecar-to-ambient` program; istio.io "Migrating
 * from sidecars to ambient"). Data-plane membership comes from
 * `resolveDataPlane`.
 */
import {
  AMBIENT_DATA_PLANES,
  EVERY_DATA_PLANE,
  findWaypoint,
  serviceWaypoint,
} from '../dataplane';
import type { ManifestObject, ManifestSet } from '../manifests';
import {
  ISTIO_NETWORKING_GROUP,
  ISTIO_SECURITY_GROUP,
  isPlainObject,
} from '../manifests';
import type { Finding } from '../types';
import type { CheckAnalyzer } from './types';
import { defineAnalyzer } from './support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from './support/findings';
import { gammaRoutesFor } from './support/gammaRoutes';
import { hasTargetRefs, httpAttributes } from '../istio/policy/ambientPolicy';
import { workloadName } from './support/workloadChecks';

/**
 * mesh.ambient.enrolled: every workload is enrolled in ambient (pod or
 * namespace `istio.io/dataplane-mode=ambient`, not opted out, not
 * hostNetwork, no sidecar), and every waypoint binding can carry its
 * traffic.
 */
export const ambientEnrolled = defineAnalyzer({
  id: 'mesh.ambient.enrolled',
  title: 'Workloads are enrolled in ambient',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio cni enablement selector', 'istio waypoint-for binding'],
  analyze({ manifests, dataPlane }) {
    const workloads = manifests.workloads();
    if (workloads.length === 0)
      return notApplicable('no workloads in the manifests');
    const findings: Finding[] = [];
    for (const workload of workloads) {
      const plane = dataPlane(workload);
      if (!AMBIENT_DATA_PLANES.includes(plane.kind)) {
        findings.push(
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(workload)} is not in ambient: ${plane.reason}`,
            {
              remediation:
                'label the namespace istio.io/dataplane-mode=ambient (and remove sidecar injection)',
            },
          ),
        );
        continue;
      }
      for (const problem of plane.problems) {
        findings.push(
          objectFinding(problem.object, 'fail', problem.message, {
            field: problem.field,
            remediation:
              'bind a waypoint whose istio.io/waypoint-for carries this traffic (workload or all)',
          }),
        );
      }
      if (plane.problems.length === 0) {
        findings.push(
          objectFinding(
            workload.object,
            'pass',
            `${workloadName(workload)} runs in ${
              plane.kind === 'ambient-waypoint'
                ? 'ambient with a waypoint'
                : 'ambient'
            }: ${plane.reason}`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(workloads.length, 'workload')} in ambient`,
      fail: n => `${count(n, 'workload problem')}`,
    });
  },
});

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

/** One migration blocker rule: the objects that block, and the finding for each. */
function blockerAnalyzer(options: {
  id: string;
  title: string;
  upstream: string[];
  blockers: (manifests: ManifestSet) => Array<{
    object: ManifestObject;
    message: string;
    field?: Array<string | number>;
  }>;
  remediation: string;
  passSummary: string;
  failNoun: string;
}): CheckAnalyzer {
  return defineAnalyzer({
    id: options.id,
    title: options.title,
    evidence: ['manifests'],
    mesh: ['istio'],
    dataPlanes: EVERY_DATA_PLANE,
    upstream: options.upstream,
    analyze({ manifests }) {
      if (manifests.workloads().length === 0)
        return notApplicable('no workloads in the manifests');
      const findings = options.blockers(manifests).map(blocker =>
        objectFinding(blocker.object, 'fail', blocker.message, {
          field: blocker.field,
          remediation: options.remediation,
        }),
      );
      return outcomeFrom(findings, {
        pass: options.passSummary,
        fail: n => count(n, options.failNoun),
      });
    },
  });
}

/** migrate.virtualservice: routing moves from VirtualService to HTTPRoute. */
export const migrateVirtualServices = blockerAnalyzer({
  id: 'migrate.virtualservice',
  title: 'Routing uses Gateway API HTTPRoutes, not VirtualServices',
  upstream: ['istio ambient migration: VirtualService to HTTPRoute'],
  blockers: manifests =>
    manifests.ofKind('VirtualService', ISTIO_NETWORKING_GROUP).map(vs => ({
      object: vs,
      message: `VirtualService ${vs.name} routes mesh traffic; with waypoints VirtualService is Alpha and mixing it with HTTPRoute is undefined`,
    })),
  remediation:
    'rewrite the routes as an HTTPRoute whose parentRef is the Service (timeouts, retry, weights), then delete the VirtualService',
  passSummary: 'no VirtualService to migrate',
  failNoun: 'VirtualService',
});

/** migrate.subsets: version subsets become one Service per version. */
export const migrateSubsets = blockerAnalyzer({
  id: 'migrate.subsets',
  title: 'Versions are Services, not DestinationRule subsets',
  upstream: ['istio ambient migration: subsets to per-version Services'],
  blockers: manifests =>
    manifests
      .ofKind('DestinationRule', ISTIO_NETWORKING_GROUP)
      .filter(
        rule =>
          Array.isArray(rule.body.spec?.subsets) &&
          rule.body.spec.subsets.length > 0,
      )
      .map(rule => ({
        object: rule,
        message: `DestinationRule ${rule.name} defines subsets; HTTPRoute backends are Services, so each version needs its own Service`,
        field: ['spec', 'subsets'],
      })),
  remediation:
    'create one Service per version (selector app + version) and split traffic with HTTPRoute backendRefs weights',
  passSummary: 'no DestinationRule subsets',
  failNoun: 'DestinationRule with subsets',
});

/** migrate.l7-policy: selector policies with HTTP rules move to targetRefs. */
export const migrateL7Policies = blockerAnalyzer({
  id: 'migrate.l7-policy',
  title: 'HTTP authorization rules target a waypoint (targetRefs)',
  upstream: ['istio ambient migration: selector L7 policies to targetRefs'],
  blockers: manifests =>
    manifests
      .ofKind('AuthorizationPolicy', ISTIO_SECURITY_GROUP)
      .filter(policy => !hasTargetRefs(policy))
      .flatMap(policy => {
        const attributes = httpAttributes(policy);
        return attributes.length === 0
          ? []
          : [
              {
                object: policy,
                message: `AuthorizationPolicy ${
                  policy.name
                } uses HTTP attributes (${[
                  ...new Set(attributes.map(a => a.attribute)),
                ].join(
                  ', ',
                )}) with a selector; in ambient ztunnel drops them, only a waypoint enforces them`,
                field: attributes[0].field,
              },
            ];
      }),
  remediation:
    'split the policy: L4 rules stay with the selector, HTTP rules go to a policy with targetRefs on the Service (its waypoint enforces them)',
  passSummary: 'no selector policy with HTTP rules',
  failNoun: 'policy',
});

/** migrate.envoyfilter: EnvoyFilters have no ambient equivalent. */
export const migrateEnvoyFilters = blockerAnalyzer({
  id: 'migrate.envoyfilter',
  title: 'No EnvoyFilter',
  upstream: ['istio ambient migration: EnvoyFilter unsupported'],
  blockers: manifests =>
    manifests.ofKind('EnvoyFilter', ISTIO_NETWORKING_GROUP).map(filter => ({
      object: filter,
      message: `EnvoyFilter ${filter.name} patches a sidecar; ambient has no sidecar, and waypoints do not take workload-selected EnvoyFilters`,
    })),
  remediation:
    'replace the EnvoyFilter with a supported API (Telemetry, WasmPlugin with targetRefs, HTTPRoute filters) or keep the workload on sidecars',
  passSummary: 'no EnvoyFilter',
  failNoun: 'EnvoyFilter',
});

/**
 * migrate.waypoint-resources: RequestAuthentication and WasmPlugin act on
 * HTTP, so in ambient they need a waypoint and targetRefs.
 */
export const migrateWaypointResources = blockerAnalyzer({
  id: 'migrate.waypoint-resources',
  title: 'RequestAuthentication and WasmPlugin target a waypoint',
  upstream: ['istio ambient migration: resources that need a waypoint'],
  blockers: manifests =>
    [
      ...manifests.ofKind('RequestAuthentication', ISTIO_SECURITY_GROUP),
      ...manifests.ofKind('WasmPlugin', 'extensions.istio.io'),
    ]
      .filter(object => !hasTargetRefs(object))
      .map(object => ({
        object,
        message: `${object.kind} ${object.name} selects workloads; in ambient it only works on a waypoint, through targetRefs`,
      })),
  remediation:
    'deploy a waypoint for the Service and set targetRefs (kind Service or Gateway) instead of selector',
  passSummary: 'no selector-bound RequestAuthentication or WasmPlugin',
  failNoun: 'resource',
});

export const ambientAnalyzers: CheckAnalyzer[] = [
  ambientEnrolled,
  ambientWaypoint,
  migrateVirtualServices,
  migrateSubsets,
  migrateL7Policies,
  migrateEnvoyFilters,
  migrateWaypointResources,
];
