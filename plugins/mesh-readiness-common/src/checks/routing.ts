import type { ManifestObject, ManifestSet } from '../manifests';
import {
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
import { fqdn, hostNamesService } from './support/istioHosts';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from './support/istioMessages';
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
 * mesh.dr.valid: each DestinationRule's host resolves (IST0174), its
 * subsets select pods (IST0173) and no two rules or subsets collide
 * (KIA0201–0203). With manifests only, subsets are matched against the pod
 * templates of the workloads behind the host's Service, and findings say
 * so; a host outside the manifests is a warning (it may live elsewhere).
 */
export const destinationRuleValid = defineAnalyzer({
  id: 'mesh.dr.valid',
  title: 'DestinationRules resolve and select pods',
  evidence: ['manifests'],
  mesh: ['istio'],
  upstream: ['IST0101', 'IST0173', 'IST0174', 'KIA0201', 'KIA0202', 'KIA0203'],
  analyze({ manifests }) {
    const rules = destinationRules(manifests);
    if (rules.length === 0)
      return notApplicable('no DestinationRules in the manifests');
    const findings: Finding[] = [];
    const byHost = new Map<string, ManifestObject[]>();
    // Hosts (IST0174) and subsets (IST0173) through Istio's own analyzer;
    // the manifests hold workloads, not pods, so subsets are matched
    // against pod templates.
    const messages = istioMessages(manifests, [
      'destinationrule.PodNotSelectedAnalyzer',
    ]);
    for (const rule of rules) {
      const gaps: Finding[] = messages
        .filter(m => m.resource === rule)
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
      const host = typeof spec.host === 'string' ? spec.host : '';
      if (!isPlainObject(spec.workloadSelector)) {
        const key = `${rule.namespace}/${fqdn(rule.namespace, host)}`;
        byHost.set(key, [...(byHost.get(key) ?? []), rule]);
      }
      const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
      const seen = new Set<string>();
      subsets.forEach((subset: unknown, index: number) => {
        if (!isPlainObject(subset)) return;
        const name = String(subset.name ?? '');
        if (seen.has(name)) {
          gaps.push(
            objectFinding(
              rule,
              'fail',
              `DestinationRule ${rule.name}: subset "${name}" is defined twice`,
              {
                field: ['spec', 'subsets', index, 'name'],
                code: 'KIA0203',
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
            `DestinationRule ${rule.name}: host and subsets resolve`,
          ),
        );
      }
    }
    for (const [key, duplicates] of byHost) {
      if (duplicates.length < 2) continue;
      for (const rule of duplicates.slice(1)) {
        findings.push(
          objectFinding(
            rule,
            'fail',
            `DestinationRule ${rule.name} applies to ${
              key.split('/')[1]
            } like ${duplicates[0].name}; Istio merges them unpredictably`,
            {
              field: ['spec', 'host'],
              code: 'KIA0201',
              remediation: 'merge the DestinationRules for one host',
            },
          ),
        );
      }
    }
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
      const rules = destinationRules(manifests).filter(rule =>
        hostNamesService(
          manifests,
          rule,
          String(rule.body.spec?.host ?? ''),
          service,
        ),
      );
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
  upstream: ['istio retry defaults', 'linkerd timeout/retry annotations'],
  analyze({ manifests, mesh }) {
    const services = meshServices(manifests);
    if (services.length === 0)
      return notApplicable('no Services in the manifests');
    const findings: Finding[] = [];
    for (const service of services) {
      if (mesh === 'linkerd') {
        findings.push(linkerdTimeoutFinding(manifests, service));
        continue;
      }
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
      if (routes.length === 0) {
        findings.push(
          objectFinding(
            service,
            'fail',
            `no VirtualService sets a timeout for Service ${service.name}: Istio applies no timeout and retries twice by default`,
            {
              remediation:
                'add a VirtualService with timeout and retries (timeout/retry template)',
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
 * through Istio's own analyzers.
 */
export const virtualServiceValid = defineAnalyzer({
  id: 'mesh.vs.valid',
  title: 'VirtualServices are consistent and resolve',
  evidence: ['manifests'],
  mesh: ['istio'],
  upstream: ['IST0109', 'IST0101', 'IST0112', 'KIA1101', 'KIA1106', 'KIA1107'],
  analyze({ manifests }) {
    const services = virtualServices(manifests);
    if (services.length === 0)
      return notApplicable('no VirtualServices in the manifests');
    const messages = istioMessages(manifests, [
      'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
      'virtualservice.DestinationHostAnalyzer',
      'virtualservice.DestinationRuleAnalyzer',
    ]);
    const findings = messages.map(m =>
      istioFinding(
        m,
        m.level === 'Error' ? 'fail' : 'warn',
        'fix the host, subset or port, or merge the conflicting VirtualServices',
      ),
    );
    for (const vs of services) {
      if (!messages.some(m => m.resource === vs)) {
        findings.push(
          objectFinding(
            vs,
            'pass',
            `VirtualService ${vs.name}: destinations resolve, no host conflicts`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(services.length, 'VirtualService')} valid`,
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
  upstream: [
    'IST0110',
    'IST0111',
    'IST0134',
    'IST0177',
    'KIA1004',
    'KIA1006',
    'KIA1007',
  ],
  analyze({ manifests }) {
    const workloads = manifests.workloads();
    if (workloads.length === 0)
      return notApplicable('no workloads in the manifests');
    const messages = istioMessages(asOnboarded(manifests), [
      'sidecar.SelectorAnalyzer',
      'serviceentry.ProtocolAddressesAnalyzer',
      'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
    ]);
    const findings = messages
      .filter(m => m.code !== 'IST0167')
      .map(m =>
        istioFinding(
          m,
          'fail',
          'fix the Sidecar selectors or the ServiceEntry',
        ),
      );
    const sidecars = manifests.ofKind('Sidecar', ISTIO_NETWORKING_GROUP);
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
