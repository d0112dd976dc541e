/** Check `mesh.vs.timeouts`: "Routes set timeouts and deliberate retries". */
import {
  AMBIENT_DATA_PLANES,
  EVERY_DATA_PLANE,
  serviceWaypoint,
} from '../../dataplane';
import type { DataPlaneResolution } from '../../dataplane';
import {
  GammaRoute,
  gammaRoutesFor,
  ruleResilience,
} from '../support/gammaRoutes';
import type { ManifestObject, ManifestSet, Workload } from '../../manifests';
import { isPlainObject } from '../../manifests';
import { LINKERD_TIMEOUT_ANNOTATIONS } from '../../linkerd';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { hostNamesService } from '../../istio/serviceHosts';
import { meshServices, virtualServices } from './routedObjects';

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
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio retry defaults', 'linkerd timeout/retry annotations'],
  analyze({ manifests, mesh, dataPlane }) {
    const services = meshServices(manifests);
    if (services.length === 0)
      return notApplicable('no Services in the manifests');
    const findings: Finding[] = [];
    for (const service of services) {
      if (mesh === 'linkerd') {
        findings.push(...linkerdTimeoutFindings(manifests, service));
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
 * The routes Linkerd attaches to a Service: HTTPRoute (Gateway API or
 * `policy.linkerd.io`) and GRPCRoute whose parent is the Service, producer
 * routes in its namespace and consumer routes elsewhere.
 */
function linkerdRoutesFor(
  manifests: ManifestSet,
  service: ManifestObject,
): ManifestObject[] {
  return ['HTTPRoute', 'GRPCRoute'].flatMap(kind =>
    manifests
      .ofKind(kind)
      .filter(
        route =>
          Array.isArray(route.body.spec?.parentRefs) &&
          route.body.spec.parentRefs.some(
            (p: unknown) =>
              isPlainObject(p) &&
              p.kind === 'Service' &&
              (p.group === undefined || p.group === '' || p.group === 'core') &&
              p.name === service.name &&
              (typeof p.namespace === 'string'
                ? p.namespace
                : route.namespace) === service.namespace,
          ),
      ),
  );
}

const RETRY_PREFIX = 'retry.linkerd.io/';

/**
 * Whether Linkerd retries requests through `route` (or straight to the
 * Service when there is no route). Per Linkerd's retries reference: retry
 * annotations on a route replace all of the Service's; only a condition
 * starts retries — `retry.linkerd.io/http` (Service, HTTPRoute) or
 * `retry.linkerd.io/grpc` (Service, GRPCRoute) — while `limit` and
 * `timeout` only shape them.
 */
function linkerdRetries(
  service: ManifestObject,
  route: ManifestObject | undefined,
): boolean {
  const own = (o: ManifestObject) =>
    Object.keys(o.annotations).some(key => key.startsWith(RETRY_PREFIX));
  const source = route && own(route) ? route : service;
  let conditions = ['retry.linkerd.io/http', 'retry.linkerd.io/grpc'];
  if (route) {
    conditions = [
      route.kind === 'GRPCRoute'
        ? 'retry.linkerd.io/grpc'
        : 'retry.linkerd.io/http',
    ];
  }
  return conditions.some(key => key in source.annotations);
}

/**
 * Linkerd reads `timeout.linkerd.io/*` and `retry.linkerd.io/*` on the
 * Service and on its HTTPRoute/GRPCRoute (the route's win), and a route
 * rule's Gateway API `timeouts` (request or backendRequest).
 */
function linkerdTimeoutFindings(
  manifests: ManifestSet,
  service: ManifestObject,
): Finding[] {
  const attached = linkerdRoutesFor(manifests, service);
  const carriers = [service, ...attached];
  const has = (keys: string[]) =>
    carriers.some(o => keys.some(k => k in o.annotations));
  const gatewayTimeouts = attached.some(route =>
    (Array.isArray(route.body.spec?.rules) ? route.body.spec.rules : []).some(
      (rule: unknown) =>
        isPlainObject(rule) && ruleResilience(rule).timeout !== undefined,
    ),
  );
  const timeout = has(LINKERD_TIMEOUT_ANNOTATIONS) || gatewayTimeouts;
  const retries =
    attached.length === 0
      ? linkerdRetries(service, undefined)
      : attached.some(route => linkerdRetries(service, route));
  // A route whose own retry annotations (limit, timeout) replace the
  // Service's condition retries nothing, whatever the Service says.
  const overriding = attached.filter(
    route =>
      !linkerdRetries(service, route) &&
      Object.keys(route.annotations).some(key => key.startsWith(RETRY_PREFIX)),
  );
  const findings = overriding.map(route =>
    objectFinding(
      route,
      'fail',
      `${route.kind} ${
        route.name
      } sets retry annotations without retry.linkerd.io/${
        route.kind === 'GRPCRoute' ? 'grpc' : 'http'
      }: they replace the Service's, so requests on this route are not retried`,
      {
        field: ['metadata', 'annotations'],
        remediation: `add retry.linkerd.io/${
          route.kind === 'GRPCRoute' ? 'grpc' : 'http'
        } to the route (route annotations override the Service's)`,
      },
    ),
  );
  if (timeout && retries) {
    findings.push(
      objectFinding(
        service,
        'pass',
        `Service ${service.name}: timeouts and retries are configured`,
      ),
    );
    return findings;
  }
  const missing = [
    timeout ? undefined : 'timeout (timeout.linkerd.io/* or a rule timeout)',
    retries
      ? undefined
      : 'retries (retry.linkerd.io/http or /grpc; limit and timeout alone do not retry)',
  ].filter(Boolean);
  findings.push(
    objectFinding(
      service,
      'fail',
      `Service ${service.name} and its routes set no ${missing.join(
        ' and no ',
      )}`,
      {
        field: ['metadata', 'annotations'],
        remediation:
          'annotate the Service or its HTTPRoute / GRPCRoute with timeout.linkerd.io/request and retry.linkerd.io/http (or /grpc)',
      },
    ),
  );
  return findings;
}
