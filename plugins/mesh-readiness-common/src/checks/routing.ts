import {
  AMBIENT_DATA_PLANES,
  EVERY_DATA_PLANE,
  serviceWaypoint,
  SIDECAR_DATA_PLANES,
} from '../dataplane';
import type { DataPlaneResolution } from '../dataplane';
import {
  GammaRoute,
  gammaRoutesFor,
  ruleResilience,
} from './support/gammaRoutes';
import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import {
  GATEWAY_API_GROUP,
  isPlainObject,
  ISTIO_NETWORKING_GROUP,
  matchesEqualitySelector,
  stringMap,
} from '../manifests';
import {
  LINKERD_FAILURE_ACCRUAL_ANNOTATION,
  LINKERD_RETRY_ANNOTATIONS,
  LINKERD_TIMEOUT_ANNOTATIONS,
} from '../linkerd';
import type { Finding, MeshFlavour } from '../types';
import type { CheckAnalyzer } from './types';
import { defineAnalyzer } from './support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from './support/findings';
import {
  destinationRulesFor,
  fqdn,
  hostNamesService,
  resolveHost,
} from '../istio/serviceHosts';
import {
  gatewayApiRouteFindings,
  GATEWAY_API_ROUTE_KINDS,
  virtualServiceGatewayFindings,
} from './support/routeReferences';
import {
  hostsMatch,
  isMeshWideHost,
  namespaceOfWideHost,
} from '../istio/hosts';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../istio/messageFindings';
import { workloadName } from './support/workloadChecks';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

function destinationRules(manifests: ManifestSet): ManifestObject[] {
  return manifests.ofKind('DestinationRule', ISTIO_NETWORKING_GROUP);
}

function virtualServices(manifests: ManifestSet): ManifestObject[] {
  return manifests.ofKind('VirtualService', ISTIO_NETWORKING_GROUP);
}

/** The entity's Services that clients call through the mesh. */
function meshServices(manifests: ManifestSet): ManifestObject[] {
  return manifests
    .ofKind('Service', '')
    .filter(s => s.body.spec?.type !== 'ExternalName');
}

/**
 * The subsets of a DestinationRule for a ServiceEntry host that select
 * some of the entry's inline `endpoints` by their labels. Istio applies
 * subsets to those endpoints, but its analyzer (IST0173) only looks at
 * pods, so these subsets are not failures.
 */
function subsetsSelectingEntryEndpoints(
  manifests: ManifestSet,
  rule: ManifestObject,
): Set<number> {
  const selected = new Set<number>();
  const target = resolveHost(
    manifests,
    rule,
    String(rule.body.spec?.host ?? ''),
  );
  if (!target || target.resource.kind !== 'ServiceEntry') return selected;
  const endpoints = Array.isArray(target.resource.body.spec?.endpoints)
    ? target.resource.body.spec.endpoints
    : [];
  const subsets = Array.isArray(rule.body.spec?.subsets)
    ? rule.body.spec.subsets
    : [];
  subsets.forEach((subset: unknown, index: number) => {
    if (!isPlainObject(subset)) return;
    const labels = stringMap(subset.labels);
    if (
      endpoints.some(
        (endpoint: unknown) =>
          isPlainObject(endpoint) &&
          matchesEqualitySelector(labels, stringMap(endpoint.labels)),
      )
    ) {
      selected.add(index);
    }
  });
  return selected;
}

/** Is the rule's host a wildcard that covers a Service of the manifests? */
function wildcardCoversServices(
  manifests: ManifestSet,
  rule: ManifestObject,
): boolean {
  const host = rule.body.spec?.host;
  return (
    typeof host === 'string' &&
    host.startsWith('*') &&
    manifests
      .ofKind('Service', '')
      .some(service => hostNamesService(manifests, rule, host, service))
  );
}

/** Subset names of a rule, or `undefined` when it has none (it covers every subset). */
function subsetNames(rule: ManifestObject): string[] | undefined {
  const subsets = Array.isArray(rule.body.spec?.subsets)
    ? rule.body.spec.subsets
    : [];
  return subsets.length === 0
    ? undefined
    : subsets.map((s: any) => String(s?.name ?? ''));
}

/**
 * Rules that set mTLS for a whole namespace or the mesh (`*.local`,
 * `*.<ns>.svc.cluster.local` with ISTIO_MUTUAL) are meant to coexist with
 * specific rules; the mesh console leaves them out of KIA0201, so do we.
 */
function isWideMutualRule(rule: ManifestObject): boolean {
  if (rule.body.spec?.trafficPolicy?.tls?.mode !== 'ISTIO_MUTUAL') return false;
  const host = fqdn(rule.namespace, String(rule.body.spec?.host ?? ''));
  return isMeshWideHost(host) || namespaceOfWideHost(host) === rule.namespace;
}

/**
 * mesh.dr.valid: each DestinationRule's host resolves (IST0174, KIA0202),
 * its subsets select pods (IST0173, KIA0203) — or inline endpoints of the
 * host's ServiceEntry — subset names are unique within a rule, and no two
 * rules claim the same host and subset (KIA0201; hosts overlap when
 * wildcards match). With manifests only, subsets are matched against the
 * pod templates of the workloads, and findings say so; a host outside the
 * manifests is a warning (it may live elsewhere).
 */
export const destinationRuleValid = defineAnalyzer({
  id: 'mesh.dr.valid',
  title: 'DestinationRules resolve and select pods',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0173', 'IST0174', 'KIA0201', 'KIA0202', 'KIA0203'],
  analyze({ manifests }) {
    const rules = destinationRules(manifests);
    if (rules.length === 0)
      return notApplicable('no DestinationRules in the manifests');
    const findings: Finding[] = [];
    // Hosts (IST0174) and subsets (IST0173) through Istio's own analyzer;
    // the manifests hold workloads, not pods, so subsets are matched
    // against pod templates.
    const messages = istioMessages(manifests, [
      'destinationrule.PodNotSelectedAnalyzer',
    ]);
    for (const rule of rules) {
      const byEndpoints = subsetsSelectingEntryEndpoints(manifests, rule);
      const endpointLines = new Set(
        [...byEndpoints].map(i => rule.lineOf(['spec', 'subsets', i])),
      );
      // Istio's analyzer resolves hosts exactly; a wildcard host
      // (`*.local`, `*.shop.svc.cluster.local`) that covers Services of the
      // manifests applies to them and is not unknown.
      const coversServices = wildcardCoversServices(manifests, rule);
      const gaps: Finding[] = messages
        .filter(m => m.resource === rule)
        .filter(m => !(m.code === 'IST0173' && endpointLines.has(m.line)))
        .filter(m => !(m.code === 'IST0174' && coversServices))
        .map(m => {
          const finding = istioFinding(
            m,
            m.code === 'IST0174' ? 'warn' : 'fail',
            m.code === 'IST0174'
              ? 'fix the host, or add the ServiceEntry for an external host'
              : 'make the subset labels match the pod template labels (e.g. version)',
          );
          finding.message =
            m.code === 'IST0174'
              ? `${m.message} (judged on the Services and ServiceEntries in the manifests)`
              : `${m.message} (judged on the pod templates of the workloads in the manifests)`;
          return finding;
        });
      const spec = rule.body.spec ?? {};
      const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
      const seen = new Set<string>();
      subsets.forEach((subset: unknown, index: number) => {
        if (!isPlainObject(subset)) return;
        const name = String(subset.name ?? '');
        if (seen.has(name)) {
          // No upstream code: KIA0203 means "subset labels match no host".
          gaps.push(
            objectFinding(
              rule,
              'fail',
              `DestinationRule ${rule.name}: subset "${name}" is defined twice`,
              {
                field: ['spec', 'subsets', index, 'name'],
                remediation: 'give each subset a unique name',
              },
            ),
          );
        }
        seen.add(name);
      });
      findings.push(...gaps);
      if (gaps.length === 0) {
        findings.push(
          objectFinding(
            rule,
            'pass',
            `DestinationRule ${rule.name}: host and subsets resolve${
              byEndpoints.size > 0
                ? ' (subsets select ServiceEntry endpoints by their labels)'
                : ''
            }`,
          ),
        );
      }
    }
    // Two rules for overlapping hosts that share a subset, or of which
    // one has no subsets (it covers them all), collide (KIA0201).
    const candidates = rules.filter(
      rule =>
        !isPlainObject(rule.body.spec?.workloadSelector) &&
        typeof rule.body.spec?.host === 'string' &&
        !isWideMutualRule(rule),
    );
    candidates.forEach((rule, i) => {
      const host = fqdn(rule.namespace, rule.body.spec.host);
      const names = subsetNames(rule);
      const earlier = candidates.slice(0, i).find(other => {
        if (!hostsMatch(fqdn(other.namespace, other.body.spec.host), host))
          return false;
        const otherNames = subsetNames(other);
        return !names || !otherNames || names.some(n => otherNames.includes(n));
      });
      if (!earlier) return;
      findings.push(
        objectFinding(
          rule,
          'fail',
          `DestinationRule ${rule.name} applies to ${host} like ${earlier.name} (same host and subsets); Istio uses only one of them`,
          {
            field: ['spec', 'host'],
            code: 'KIA0201',
            remediation: 'merge the DestinationRules for one host',
          },
        ),
      );
    });
    return outcomeFrom(findings, {
      pass: `${count(rules.length, 'DestinationRule')} valid`,
      fail: n => `${count(n, 'DestinationRule problem')}`,
      warn: n => `${count(n, 'host')} outside the manifests`,
    });
  },
});

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
  mesh: BOTH,
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

/** Is a finding about this object (same file, kind and name)? */
function sameObject(finding: Finding, object: ManifestObject): boolean {
  return (
    finding.file === object.file &&
    finding.resource?.kind === object.kind &&
    finding.resource?.name === object.name &&
    finding.resource?.namespace === (object.namespace || undefined)
  );
}

/** Mesh-gateway VirtualServices (no gateways, or `mesh` among them). */
function appliesToMesh(vs: ManifestObject): boolean {
  const gateways = vs.body.spec?.gateways;
  return (
    !Array.isArray(gateways) ||
    gateways.length === 0 ||
    gateways.includes('mesh')
  );
}

/**
 * mesh.vs.timeouts: routes to each Service set a timeout and deliberate
 * retries. Istio: every HTTP route of the mesh VirtualServices for the host
 * sets `timeout` and `retries`. Linkerd: `timeout.linkerd.io/*` and
 * `retry.linkerd.io/*` on the Service or an HTTPRoute attached to it (or a
 * Gateway API `timeouts` block).
 */
export const virtualServiceTimeouts = defineAnalyzer({
  id: 'mesh.vs.timeouts',
  title: 'Routes set timeouts and deliberate retries',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio retry defaults', 'linkerd timeout/retry annotations'],
  analyze({ manifests, mesh, dataPlane }) {
    const services = meshServices(manifests);
    if (services.length === 0)
      return notApplicable('no Services in the manifests');
    const findings: Finding[] = [];
    for (const service of services) {
      if (mesh === 'linkerd') {
        findings.push(linkerdTimeoutFinding(manifests, service));
        continue;
      }
      const gamma = gammaRoutesFor(manifests, service);
      const routes = virtualServices(manifests).filter(
        vs =>
          appliesToMesh(vs) &&
          Array.isArray(vs.body.spec?.hosts) &&
          vs.body.spec.hosts.some(
            (h: unknown) =>
              typeof h === 'string' &&
              hostNamesService(manifests, vs, h, service),
          ),
      );
      if (gamma.length > 0) {
        findings.push(
          ...istioGammaTimeoutFindings(manifests, service, gamma, dataPlane),
        );
        if (routes.length > 0) {
          findings.push(
            objectFinding(
              routes[0],
              'warn',
              `Service ${service.name} is routed by both VirtualService ${routes[0].name} and ${gamma[0].route.kind} ${gamma[0].route.name}; Istio leaves the mix undefined`,
              {
                remediation:
                  'keep one of them: the HTTPRoute, and remove the VirtualService',
              },
            ),
          );
        }
        continue;
      }
      if (routes.length === 0) {
        findings.push(
          objectFinding(
            service,
            'fail',
            `no route sets a timeout for Service ${service.name}: Istio applies no timeout and retries twice by default`,
            {
              remediation:
                'add an HTTPRoute with the Service as parent, rules[].timeouts.request and retry (GAMMA route template), or a VirtualService with timeout and retries',
            },
          ),
        );
        continue;
      }
      for (const vs of routes) {
        const http = Array.isArray(vs.body.spec?.http) ? vs.body.spec.http : [];
        if (http.length === 0) {
          findings.push(
            objectFinding(
              vs,
              'fail',
              `VirtualService ${vs.name} has no HTTP routes to carry a timeout`,
              { field: ['spec'] },
            ),
          );
          continue;
        }
        http.forEach((route: unknown, index: number) => {
          if (!isPlainObject(route)) return;
          const missing = [
            route.timeout === undefined ? 'timeout' : undefined,
            !isPlainObject(route.retries) ? 'retries' : undefined,
          ].filter((m): m is string => m !== undefined);
          const label =
            typeof route.name === 'string'
              ? `route "${route.name}"`
              : `route ${index + 1}`;
          findings.push(
            missing.length === 0
              ? objectFinding(
                  vs,
                  'pass',
                  `VirtualService ${vs.name} ${label} sets timeout ${route.timeout} and retries`,
                  { field: ['spec', 'http', index] },
                )
              : objectFinding(
                  vs,
                  'fail',
                  `VirtualService ${vs.name} ${label} sets no ${missing.join(
                    ' and no ',
                  )}`,
                  {
                    field: ['spec', 'http', index],
                    remediation:
                      'set `timeout` and `retries` (attempts, perTryTimeout, retryOn) on the route',
                  },
                ),
          );
        });
      }
    }
    return outcomeFrom(findings, {
      pass: `timeouts and retries set for ${count(services.length, 'Service')}`,
      fail: n => `${count(n, 'route')} without timeout or retries`,
    });
  },
});

/**
 * Istio with GAMMA routes: every rule sets `timeouts.request` and `retry`;
 * in ambient, only where the Service or its namespace binds a waypoint.
 */
function istioGammaTimeoutFindings(
  manifests: ManifestSet,
  service: ManifestObject,
  gamma: GammaRoute[],
  dataPlane: (workload: Workload) => DataPlaneResolution,
): Finding[] {
  const ambient = manifests
    .workloadsForService(service)
    .some(w => AMBIENT_DATA_PLANES.includes(dataPlane(w).kind));
  if (ambient && !serviceWaypoint(manifests, service)) {
    return gamma.map(({ route, parentIndex }) =>
      objectFinding(
        route,
        'fail',
        `${route.kind} ${route.name} is ignored by Istio: Service ${service.name} runs in ambient without a waypoint, so its timeouts and retries never apply`,
        {
          field: ['spec', 'parentRefs', parentIndex],
          remediation:
            'bind a waypoint to the Service or its namespace (istio.io/use-waypoint; waypoint template)',
        },
      ),
    );
  }
  const findings: Finding[] = [];
  for (const { route } of gamma) {
    const rules = Array.isArray(route.body.spec?.rules)
      ? route.body.spec.rules
      : [];
    if (rules.length === 0) {
      findings.push(
        objectFinding(
          route,
          'fail',
          `${route.kind} ${route.name} has no rules to carry a timeout`,
          { field: ['spec'] },
        ),
      );
      continue;
    }
    rules.forEach((rule: unknown, index: number) => {
      if (!isPlainObject(rule)) return;
      const { timeout, retry } = ruleResilience(rule);
      const label =
        typeof rule.name === 'string'
          ? `rule "${rule.name}"`
          : `rule ${index + 1}`;
      const missing = [
        timeout === undefined ? 'timeouts.request' : undefined,
        retry ? undefined : 'retry',
      ].filter((m): m is string => m !== undefined);
      findings.push(
        missing.length === 0
          ? objectFinding(
              route,
              'pass',
              `${route.kind} ${route.name} ${label} sets timeout ${timeout} and retry`,
              { field: ['spec', 'rules', index] },
            )
          : objectFinding(
              route,
              'fail',
              `${route.kind} ${route.name} ${label} sets no ${missing.join(
                ' and no ',
              )}`,
              {
                field: ['spec', 'rules', index],
                remediation:
                  'set `timeouts.request` and `retry` (attempts, backoff, codes) on the rule',
              },
            ),
      );
    });
  }
  return findings;
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

function linkerdTimeoutFinding(
  manifests: ManifestSet,
  service: ManifestObject,
): Finding {
  const attached = manifests
    .ofKind('HTTPRoute')
    .filter(
      route =>
        route.namespace === service.namespace &&
        Array.isArray(route.body.spec?.parentRefs) &&
        route.body.spec.parentRefs.some(
          (p: any) =>
            isPlainObject(p) && p.kind === 'Service' && p.name === service.name,
        ),
    );
  const carriers = [service, ...attached];
  const has = (keys: string[]) =>
    carriers.some(o => keys.some(k => k in o.annotations));
  const gatewayTimeouts = attached.some(route =>
    (Array.isArray(route.body.spec?.rules) ? route.body.spec.rules : []).some(
      (r: any) => isPlainObject(r?.timeouts),
    ),
  );
  const timeout = has(LINKERD_TIMEOUT_ANNOTATIONS) || gatewayTimeouts;
  const retries = has(LINKERD_RETRY_ANNOTATIONS);
  if (timeout && retries) {
    return objectFinding(
      service,
      'pass',
      `Service ${service.name}: timeouts and retries are configured`,
    );
  }
  const missing = [
    timeout ? undefined : 'a timeout (timeout.linkerd.io/*)',
    retries ? undefined : 'retries (retry.linkerd.io/*)',
  ].filter(Boolean);
  return objectFinding(
    service,
    'fail',
    `Service ${service.name} and its HTTPRoutes set no ${missing.join(
      ' and no ',
    )}`,
    {
      field: ['metadata', 'annotations'],
      remediation:
        'annotate the Service or its HTTPRoute with timeout.linkerd.io/request and retry.linkerd.io/http',
    },
  );
}

/**
 * mesh.vs.valid: VirtualServices do not fight over mesh hosts (IST0109) and
 * route to hosts, subsets and ports that exist (IST0101, IST0112, IST0140),
 * through Istio's own analyzers; the Gateways they name exist (IST0101,
 * KIA1102); Gateway API routes attach to Gateways / Services that exist and
 * send to Services that exist (KIA1401, KIA1402) — for Linkerd, only this
 * last part applies. See
 * support/routeReferences for references into other namespaces.
 */
export const virtualServiceValid = defineAnalyzer({
  id: 'mesh.vs.valid',
  title: 'VirtualServices are consistent and resolve',
  evidence: ['manifests'],
  // Linkerd: the Gateway API route references only.
  mesh: BOTH,
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

/**
 * mesh.egress: Sidecars scope egress — each workload is covered by a
 * Sidecar whose egress hosts are narrower than `*\/*`, selectors are
 * distinct (IST0101, IST0110, IST0111) — and external dependencies are
 * well-formed ServiceEntries (IST0134, IST0177), judged by Istio's own
 * analyzers.
 */
export const meshEgress = defineAnalyzer({
  id: 'mesh.egress',
  title: 'Egress scoped by Sidecars and ServiceEntries',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: SIDECAR_DATA_PLANES,
  // The mesh console's Sidecar validations (KIA1004 egress host not in
  // the registry, KIA1006 selector on the root default, KIA1007 ambiguous
  // outbound mode) are not implemented, so not claimed.
  upstream: ['IST0110', 'IST0111', 'IST0134', 'IST0177'],
  analyze({ manifests }) {
    const workloads = manifests.workloads();
    if (workloads.length === 0)
      return notApplicable('no workloads in the manifests');
    const messages = istioMessages(asOnboarded(manifests), [
      'sidecar.SelectorAnalyzer',
      'serviceentry.ProtocolAddressesAnalyzer',
      'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
    ]);
    // A Sidecar that only configures ambient workloads (IST0167) has no
    // effect: it is reported, and never counted as scoping egress.
    const ineffective = new Set(
      messages.filter(m => m.code === 'IST0167').map(m => m.resource),
    );
    const findings = messages.map(m =>
      m.code === 'IST0167'
        ? istioFinding(
            m,
            'warn',
            'remove the Sidecar; in ambient, egress is controlled with a waypoint and AuthorizationPolicies',
          )
        : istioFinding(
            m,
            'fail',
            'fix the Sidecar selectors or the ServiceEntry',
          ),
    );
    const sidecars = manifests
      .ofKind('Sidecar', ISTIO_NETWORKING_GROUP)
      .filter(sidecar => !ineffective.has(sidecar));
    for (const workload of workloads) {
      const covering = sidecars.filter(sidecar => {
        if (sidecar.namespace !== workload.object.namespace) return false;
        const labels = sidecar.body.spec?.workloadSelector?.labels;
        return (
          !isPlainObject(labels) ||
          matchesEqualitySelector(stringMap(labels), workload.podLabels)
        );
      });
      // A selecting Sidecar wins over the namespace default.
      const sidecar =
        covering.find(s =>
          isPlainObject(s.body.spec?.workloadSelector?.labels),
        ) ?? covering[0];
      if (!sidecar) {
        findings.push(
          objectFinding(
            workload.object,
            'fail',
            `no Sidecar scopes the egress of ${workloadName(
              workload,
            )}: its proxies receive configuration for every service in the mesh`,
            {
              remediation:
                'add a Sidecar with egress hosts for the namespace (egress template)',
            },
          ),
        );
        continue;
      }
      const egress = Array.isArray(sidecar.body.spec?.egress)
        ? sidecar.body.spec.egress
        : [];
      const hosts: string[] = egress.flatMap((e: any) =>
        Array.isArray(e?.hosts) ? e.hosts : [],
      );
      const open =
        hosts.length === 0 || hosts.some(h => h === '*/*' || h === '*');
      findings.push(
        open
          ? objectFinding(
              sidecar,
              'fail',
              `Sidecar ${sidecar.name} covers ${workloadName(
                workload,
              )} but its egress allows every host`,
              {
                field: ['spec', 'egress'],
                remediation:
                  'list the namespaces / hosts the workload calls, e.g. ./* and istio-system/*',
              },
            )
          : objectFinding(
              sidecar,
              'pass',
              `Sidecar ${sidecar.name} scopes the egress of ${workloadName(
                workload,
              )} to ${hosts.join(', ')}`,
              {
                field: ['spec', 'egress'],
              },
            ),
      );
    }
    return outcomeFrom(findings, {
      pass: `egress scoped for ${count(workloads.length, 'workload')}`,
      fail: n => `${count(n, 'egress problem')}`,
    });
  },
});

export const routingAnalyzers: CheckAnalyzer[] = [
  destinationRuleValid,
  destinationRuleResilience,
  virtualServiceTimeouts,
  virtualServiceValid,
  meshEgress,
];
