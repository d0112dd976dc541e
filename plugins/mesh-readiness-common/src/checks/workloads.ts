import { EVERY_DATA_PLANE, SIDECAR_DATA_PLANES } from '../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import {
  isPlainObject,
  matchesLabelSelector,
  LINKERD_POLICY_GROUP,
} from '../manifests';
import {
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
  LINKERD_NATIVE_SIDECAR_ANNOTATION,
  LINKERD_PROXY_AWAIT_ANNOTATION,
  LINKERD_PROXY_CONTAINER,
  LINKERD_PROXY_RESOURCE_ANNOTATIONS,
  LINKERD_WAIT_BEFORE_EXIT_ANNOTATION,
} from '../linkerd';
import type { Finding, MeshFlavour } from '../types';
import type { CheckAnalyzer } from './types';
import { defineAnalyzer, param } from './support/defineAnalyzer';
import { DEFAULT_INBOUND_POLICY_PARAMETER } from '../linkerd/policy';
import type { AnalyzerParameter } from './types';

import { count, objectFinding } from './support/findings';
import {
  ISTIO_DEFAULT_DRAIN_SECONDS,
  ISTIO_INIT_CONTAINERS,
  ISTIO_PROXY_CONFIG_ANNOTATION,
  ISTIO_PROXY_CONTAINER,
  ISTIO_PROXY_RESOURCE_ANNOTATIONS,
  ISTIO_REWRITE_PROBES_ANNOTATION,
} from '../istio/conventions';
import { durationSeconds, istioProxyConfig } from '../istio/proxyConfig';
import {
  allContainers,
  appContainers,
  BATCH_KINDS,
  isFalse,
  isTrue,
  PodContainer,
  podAnnotationPath,
  podSpecPath,
  workloadPorts,
} from './support/podSpec';
import { judgeWorkloads, workloadName } from './support/workloadChecks';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

const flag = (
  description: string,
): AnalyzerParameter & { default: boolean } => ({
  type: 'boolean',
  default: false,
  description,
});
const HOLD_MESH_WIDE = flag(
  'meshConfig.defaultConfig.holdApplicationUntilProxyStarts is true for the whole mesh',
);
const NATIVE_SIDECARS = flag(
  'the proxy runs as a native sidecar (Kubernetes ≥ 1.29), which starts before the application',
);
const DRAIN_SECONDS: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: ISTIO_DEFAULT_DRAIN_SECONDS,
  description: 'the mesh-wide terminationDrainDuration in seconds (Istio)',
};
const SIDECAR_DEFAULTS = flag(
  "the mesh's global proxy resources are accepted for pods that do not size their sidecar",
);
const MIN_REPLICAS: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 2,
  description:
    'replicas (or HPA minReplicas) needed to stay available while pods restart',
};
const PROXY_NAMES: ReadonlySet<string> = new Set([
  ISTIO_PROXY_CONTAINER,
  ...ISTIO_INIT_CONTAINERS,
  LINKERD_PROXY_CONTAINER,
  'linkerd-init',
]);

/** Application containers, without a mesh proxy committed to the manifests. */
function applicationContainers(workload: Workload): PodContainer[] {
  return appContainers(workload).filter(c => !PROXY_NAMES.has(c.name));
}

const NAME_LABELS = ['app', 'app.kubernetes.io/name'];
const VERSION_LABELS = ['version', 'app.kubernetes.io/version'];

/** k8s.labels: pods carry an application name and version label. */
export const workloadLabels = defineAnalyzer({
  id: 'k8s.labels',
  title: 'Pods carry app and version labels',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio application requirements'],
  analyze({ manifests }) {
    return judgeWorkloads(
      manifests,
      workload => {
        const missing = [
          NAME_LABELS.some(l => workload.podLabels[l])
            ? undefined
            : '`app` (or `app.kubernetes.io/name`)',
          VERSION_LABELS.some(l => workload.podLabels[l])
            ? undefined
            : '`version` (or `app.kubernetes.io/version`)',
        ].filter((m): m is string => m !== undefined);
        return missing.length === 0
          ? []
          : [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )}: the pod template lacks the label ${missing.join(' and ')}`,
                {
                  field: [...workload.templatePath, 'metadata', 'labels'],
                  remediation:
                    'add `app` and `version` labels to the pod template',
                },
              ),
            ];
      },
      {
        passMessage: w =>
          `${workloadName(w)} pods are labelled with name and version`,
        wording: {
          fail: n => `${count(n, 'workload')} without app/version labels`,
        },
      },
    );
  },
});

/** k8s.identity: each workload runs under its own ServiceAccount. */
export const workloadIdentity = defineAnalyzer({
  id: 'k8s.identity',
  title: 'Workload has its own ServiceAccount',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  // No upstream rule: the mesh console's KIA0106 is about a principal
  // whose ServiceAccount is missing (sec.authz.deny), not this.
  upstream: [],
  analyze({ manifests }) {
    const accountOf = (w: Workload) => {
      const name = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
      return typeof name === 'string' && name !== '' ? name : 'default';
    };
    const users = new Map<string, Workload[]>();
    for (const workload of manifests.workloads()) {
      const key = `${workload.object.namespace}/${accountOf(workload)}`;
      users.set(key, [...(users.get(key) ?? []), workload]);
    }
    return judgeWorkloads(
      manifests,
      workload => {
        const account = accountOf(workload);
        const field = [...podSpecPath(workload, 'serviceAccountName')];
        if (account === 'default') {
          return [
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(
                workload,
              )} runs as the namespace's default ServiceAccount, so its mTLS identity is shared with every other such workload`,
              {
                field,
                remediation:
                  'create a ServiceAccount for the workload and set serviceAccountName',
              },
            ),
          ];
        }
        // Versions of one app (bookinfo's reviews-v1/v2/v3) share the
        // app's identity by design: same app name label, or behind one
        // Service. Only other apps on the account blur the identity.
        const sharing = (
          users.get(`${workload.object.namespace}/${account}`) ?? []
        ).filter(w => w !== workload && !sameApp(manifests, w, workload));
        return sharing.length > 0
          ? [
              objectFinding(
                workload.object,
                'warn',
                `${workloadName(
                  workload,
                )} shares ServiceAccount ${account} with ${sharing
                  .map(workloadName)
                  .join(', ')}, so authorization cannot tell them apart`,
                {
                  field,
                  remediation: 'give each workload its own ServiceAccount',
                },
              ),
            ]
          : [];
      },
      {
        passMessage: w => {
          const versions = (
            users.get(`${w.object.namespace}/${accountOf(w)}`) ?? []
          ).filter(other => other !== w);
          return versions.length > 0
            ? `${workloadName(w)} runs as ServiceAccount ${accountOf(
                w,
              )}, shared only with versions of the same app (${versions
                .map(workloadName)
                .join(', ')})`
            : `${workloadName(w)} runs as ServiceAccount ${accountOf(w)}`;
        },
        wording: {
          fail: n => `${count(n, 'workload')} on the default ServiceAccount`,
          warn: n => `${count(n, 'workload')} share a ServiceAccount`,
        },
      },
    );
  },
});

/** The app a workload is a version of, by its name label. */
function appName(workload: Workload): string | undefined {
  return NAME_LABELS.map(label => workload.podLabels[label]).find(
    value => value !== undefined && value !== '',
  );
}

/**
 * Whether two workloads are versions of one app: the same `app` /
 * `app.kubernetes.io/name` label, or pods selected by one Service.
 */
function sameApp(manifests: ManifestSet, a: Workload, b: Workload): boolean {
  const name = appName(a);
  if (name !== undefined && name === appName(b)) return true;
  const services = manifests.servicesForWorkload(a);
  return manifests
    .servicesForWorkload(b)
    .some(service => services.includes(service));
}

/** k8s.probes: long-running containers have readiness and liveness probes. */
export const workloadProbes = defineAnalyzer({
  id: 'k8s.probes',
  title: 'Readiness and liveness probes exist',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio health checks'],
  analyze({ manifests }) {
    return judgeWorkloads(
      manifests,
      workload =>
        applicationContainers(workload).flatMap(container => {
          const missing = ['readinessProbe', 'livenessProbe'].filter(
            p => !isPlainObject(container.spec[p]),
          );
          return missing.length === 0
            ? []
            : [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(workload)}: container ${
                    container.name
                  } has no ${missing.join(' and no ')}`,
                  {
                    field: container.path,
                    remediation: 'add readiness and liveness probes',
                  },
                ),
              ];
        }),
      {
        applies: w => !BATCH_KINDS.has(w.object.kind),
        none: 'no long-running workloads in the manifests',
        passMessage: w =>
          `${workloadName(
            w,
          )}: every container has readiness and liveness probes`,
        wording: { fail: n => `${count(n, 'container')} without probes` },
      },
    );
  },
});

interface ProbeUse {
  container: PodContainer;
  kind: 'readinessProbe' | 'livenessProbe' | 'startupProbe';
  type: 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';
  port?: number;
  portName?: string;
  path?: string;
}

function probesOf(workload: Workload): ProbeUse[] {
  const uses: ProbeUse[] = [];
  for (const container of applicationContainers(workload)) {
    for (const kind of [
      'readinessProbe',
      'livenessProbe',
      'startupProbe',
    ] as const) {
      const probe = container.spec[kind];
      if (!isPlainObject(probe)) continue;
      const type = (['httpGet', 'tcpSocket', 'grpc', 'exec'] as const).find(t =>
        isPlainObject(probe[t]),
      );
      if (!type) continue;
      const handler = probe[type];
      const port = handler.port;
      uses.push({
        container,
        kind,
        type,
        port:
          typeof port === 'number' || /^\d+$/.test(String(port))
            ? Number(port)
            : undefined,
        portName:
          typeof port === 'string' && !/^\d+$/.test(port) ? port : undefined,
        path: typeof handler.path === 'string' ? handler.path : undefined,
      });
    }
  }
  return uses;
}

/** Resolves a probe's port to a container port number. */
function probePort(
  workload: Workload,
  probe: ProbeUse,
): { number?: number; name?: string } {
  if (probe.port !== undefined) {
    const named = workloadPorts(workload).find(p => p.number === probe.port);
    return { number: probe.port, name: named?.name };
  }
  const declared = workloadPorts(workload).find(p => p.name === probe.portName);
  return { number: declared?.number, name: probe.portName };
}

/** Linkerd policy objects in a namespace. */
function linkerdPolicy(
  manifests: ManifestSet,
  namespace: string,
  kind: string,
): ManifestObject[] {
  return manifests
    .ofKind(kind)
    .filter(
      o =>
        o.namespace === namespace &&
        (kind === 'HTTPRoute' ? true : o.group === LINKERD_POLICY_GROUP),
    );
}

/** Servers selecting the workload's pods on the given port. */
export function linkerdServersFor(
  manifests: ManifestSet,
  workload: Workload,
  port: { number?: number; name?: string },
): ManifestObject[] {
  return linkerdPolicy(manifests, workload.object.namespace, 'Server').filter(
    server => {
      const spec = server.body.spec ?? {};
      const selector = spec.podSelector;
      if (
        !isPlainObject(selector) ||
        !matchesLabelSelector(selector, workload.podLabels)
      )
        return false;
      return typeof spec.port === 'number'
        ? spec.port === port.number
        : spec.port === port.name;
    },
  );
}

/** AuthorizationPolicies targeting a Server or route that admit unauthenticated clients. */
function unauthenticatedAllowed(
  manifests: ManifestSet,
  namespace: string,
  target: ManifestObject,
): boolean {
  const networkAuths = new Set(
    linkerdPolicy(manifests, namespace, 'NetworkAuthentication').map(
      n => n.name,
    ),
  );
  return linkerdPolicy(manifests, namespace, 'AuthorizationPolicy').some(
    policy => {
      const spec = policy.body.spec ?? {};
      const ref = spec.targetRef ?? {};
      if (ref.kind !== target.kind || ref.name !== target.name) return false;
      const required = Array.isArray(spec.requiredAuthenticationRefs)
        ? spec.requiredAuthenticationRefs
        : [];
      return required.some(
        (r: any) =>
          isPlainObject(r) &&
          r.kind === 'NetworkAuthentication' &&
          networkAuths.has(r.name),
      );
    },
  );
}

function linkerdProbeGap(
  manifests: ManifestSet,
  workload: Workload,
  probe: ProbeUse,
  defaultPolicy: string,
): string | undefined {
  if (probe.type === 'exec') return undefined;
  const port = probePort(workload, probe);
  const servers = linkerdServersFor(manifests, workload, port);
  if (probe.type === 'httpGet') {
    for (const server of servers) {
      const routes = manifests
        .ofKind('HTTPRoute')
        .filter(
          route =>
            route.namespace === server.namespace &&
            Array.isArray(route.body.spec?.parentRefs) &&
            route.body.spec.parentRefs.some(
              (p: any) =>
                isPlainObject(p) &&
                p.kind === 'Server' &&
                p.name === server.name,
            ),
        );
      // A Server without routes gets Linkerd's default probe authorization.
      if (routes.length === 0) continue;
      const covered = routes.some(
        route =>
          routeMatchesPath(route, probe.path ?? '/') &&
          unauthenticatedAllowed(manifests, server.namespace, route),
      );
      if (!covered) {
        return `Server ${
          server.name
        } has HTTPRoutes, so the default probe authorization no longer applies and no route authorizes ${
          probe.path ?? '/'
        } for unauthenticated kubelet requests`;
      }
    }
    return undefined;
  }
  if (servers.length > 0) {
    const open = servers.some(server =>
      unauthenticatedAllowed(manifests, server.namespace, server),
    );
    return open
      ? undefined
      : `Server ${servers[0].name} admits no unauthenticated clients, so the kubelet's ${probe.type} probe is denied`;
  }
  return ['all-authenticated', 'cluster-authenticated', 'deny'].includes(
    defaultPolicy,
  )
    ? `the default inbound policy ${defaultPolicy} denies the kubelet's unauthenticated ${probe.type} probe`
    : undefined;
}

function routeMatchesPath(route: ManifestObject, path: string): boolean {
  const rules = Array.isArray(route.body.spec?.rules)
    ? route.body.spec.rules
    : [];
  return rules.some((rule: any) => {
    const matches = Array.isArray(rule?.matches) ? rule.matches : [];
    if (matches.length === 0) return true;
    return matches.some((m: any) => {
      const value = m?.path?.value ?? '/';
      const type = m?.path?.type ?? 'PathPrefix';
      return type === 'Exact' ? value === path : path.startsWith(value);
    });
  });
}

/**
 * k8s.probes.mesh: kubelet probes keep working once the mesh enforces mTLS.
 * Istio: probe rewriting is not disabled for pods with HTTP, TCP or gRPC
 * probes. Linkerd: probes are authorized (the default probe authorization
 * holds while a Server has no HTTPRoutes; otherwise a route with a
 * NetworkAuthentication must admit the probe path; TCP probes need an
 * unauthenticated policy).
 */
export const workloadMeshProbes = defineAnalyzer({
  id: 'k8s.probes.mesh',
  title: 'Probes keep working under the mesh',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio health checks', 'linkerd default authorizations'],
  parameters: { defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER },
  analyze({ manifests, mesh, params }) {
    const clusterDefault = param(
      params,
      DEFAULT_INBOUND_POLICY_PARAMETER,
      'defaultInboundPolicy',
    );
    return judgeWorkloads(
      manifests,
      workload => {
        const probes = probesOf(workload).filter(p => p.type !== 'exec');
        if (mesh === 'istio') {
          const value =
            workload.podAnnotations[ISTIO_REWRITE_PROBES_ANNOTATION];
          return isFalse(value) && probes.length > 0
            ? [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(
                    workload,
                  )} disables probe rewriting (${ISTIO_REWRITE_PROBES_ANNOTATION}: "false"), so its ${
                    probes[0].type
                  } probes fail under STRICT mTLS`,
                  {
                    field: podAnnotationPath(
                      workload,
                      ISTIO_REWRITE_PROBES_ANNOTATION,
                    ),
                    remediation: `remove ${ISTIO_REWRITE_PROBES_ANNOTATION}: "false"`,
                  },
                ),
              ]
            : [];
        }
        const namespace = manifests.namespaceObject(workload.object.namespace);
        const policy =
          workload.podAnnotations[LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION] ??
          namespace?.annotations[LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION] ??
          clusterDefault;
        return probes.flatMap(probe => {
          const gap = linkerdProbeGap(manifests, workload, probe, policy);
          return gap
            ? [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(workload)}: ${probe.kind} of ${
                    probe.container.name
                  }: ${gap}`,
                  {
                    field: [...probe.container.path, probe.kind],
                    remediation:
                      'authorize the probe with an HTTPRoute for its path and a NetworkAuthentication for the kubelet',
                  },
                ),
              ]
            : [];
        });
      },
      {
        applies: w => !BATCH_KINDS.has(w.object.kind),
        none: 'no long-running workloads in the manifests',
        passMessage: w => `${workloadName(w)}: probes will work under the mesh`,
        wording: { fail: n => `${count(n, 'probe')} blocked by the mesh` },
      },
    );
  },
});

/**
 * k8s.startup: the application starts after its proxy. Istio:
 * `holdApplicationUntilProxyStarts` in `proxy.istio.io/config`, or mesh-wide
 * / native sidecars as program parameters. Linkerd: `proxy-await` is on by
 * default; only an explicit `disabled` fails.
 */
export const workloadStartup = defineAnalyzer({
  id: 'k8s.startup',
  title: 'Application waits for the proxy at start-up',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio holdApplicationUntilProxyStarts', 'linkerd proxy-await'],
  parameters: {
    holdApplicationUntilProxyStarts: HOLD_MESH_WIDE,
    nativeSidecars: NATIVE_SIDECARS,
  },
  analyze({ manifests, mesh, params, dataPlane }) {
    const meshWide =
      param(params, HOLD_MESH_WIDE, 'holdApplicationUntilProxyStarts') ||
      param(params, NATIVE_SIDECARS, 'nativeSidecars');
    return judgeWorkloads(
      manifests,
      workload => {
        // A native sidecar is started by the kubelet before the
        // application containers, for either mesh.
        if (dataPlane(workload).kind === 'native-sidecar') return [];
        if (mesh === 'linkerd') {
          const namespace = manifests.namespaceObject(
            workload.object.namespace,
          );
          const value =
            workload.podAnnotations[LINKERD_PROXY_AWAIT_ANNOTATION] ??
            namespace?.annotations[LINKERD_PROXY_AWAIT_ANNOTATION];
          return value === 'disabled' &&
            !isTrue(workload.podAnnotations[LINKERD_NATIVE_SIDECAR_ANNOTATION])
            ? [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(
                    workload,
                  )}: ${LINKERD_PROXY_AWAIT_ANNOTATION} is disabled, so the application may start before its proxy`,
                  {
                    field: podAnnotationPath(
                      workload,
                      LINKERD_PROXY_AWAIT_ANNOTATION,
                    ),
                    remediation: `remove ${LINKERD_PROXY_AWAIT_ANNOTATION}: disabled`,
                  },
                ),
              ]
            : [];
        }
        if (meshWide) return [];
        const config = istioProxyConfig(workload);
        const field = podAnnotationPath(
          workload,
          ISTIO_PROXY_CONFIG_ANNOTATION,
        );
        if (config === undefined) {
          return [
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(
                workload,
              )}: ${ISTIO_PROXY_CONFIG_ANNOTATION} does not parse as a ProxyConfig`,
              { field, remediation: 'fix the annotation' },
            ),
          ];
        }
        return config.holdApplicationUntilProxyStarts === true
          ? []
          : [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )} does not hold the application until the proxy starts, so calls made at boot can fail`,
                {
                  field,
                  remediation: `add ${ISTIO_PROXY_CONFIG_ANNOTATION}: '{ holdApplicationUntilProxyStarts: true }'`,
                },
              ),
            ];
      },
      {
        passMessage: w =>
          dataPlane(w).kind === 'native-sidecar'
            ? `${workloadName(w)} starts after its proxy (${
                dataPlane(w).reason
              })`
            : `${workloadName(w)} starts after its proxy`,
        wording: {
          fail: n => `${count(n, 'workload')} may start before the proxy`,
        },
      },
    );
  },
});

/**
 * k8s.shutdown: the pod's grace period outlasts the proxy's drain (Istio
 * `terminationDrainDuration`, default 5 s; Linkerd wait-before-exit).
 */
export const workloadShutdown = defineAnalyzer({
  id: 'k8s.shutdown',
  title: 'Grace period longer than the proxy drain',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio terminationDrainDuration', 'linkerd wait-before-exit'],
  parameters: { terminationDrainSeconds: DRAIN_SECONDS },
  analyze({ manifests, mesh, params }) {
    const meshDrain = param(params, DRAIN_SECONDS, 'terminationDrainSeconds');
    return judgeWorkloads(
      manifests,
      workload => {
        const rawGrace = workload.podSpec.terminationGracePeriodSeconds;
        const grace = typeof rawGrace === 'number' ? rawGrace : 30;
        let drain: number;
        let source: string;
        let field = podAnnotationPath(
          workload,
          mesh === 'istio'
            ? ISTIO_PROXY_CONFIG_ANNOTATION
            : LINKERD_WAIT_BEFORE_EXIT_ANNOTATION,
        );
        if (mesh === 'istio') {
          const configured = durationSeconds(
            istioProxyConfig(workload)?.terminationDrainDuration,
          );
          drain = configured ?? meshDrain;
          source =
            configured !== undefined
              ? 'terminationDrainDuration'
              : 'the default drain duration';
        } else {
          const value = Number(
            workload.podAnnotations[LINKERD_WAIT_BEFORE_EXIT_ANNOTATION] ?? 0,
          );
          drain = Number.isFinite(value) ? value : 0;
          source = 'proxy-wait-before-exit-seconds';
        }
        if (grace > drain) return [];
        if (typeof rawGrace === 'number')
          field = podSpecPath(workload, 'terminationGracePeriodSeconds');
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )}: terminationGracePeriodSeconds ${grace} does not exceed ${source} (${drain}s), so the pod is killed while requests drain`,
            {
              field,
              remediation:
                'raise terminationGracePeriodSeconds above the proxy drain time',
            },
          ),
        ];
      },
      {
        passMessage: w =>
          `${workloadName(w)}: grace period exceeds the proxy drain`,
        wording: {
          fail: n =>
            `${count(n, 'workload')} shut down before the proxy drains`,
        },
      },
    );
  },
});

/**
 * k8s.resources: application containers request CPU and memory and limit
 * memory; the sidecar's resources are set per pod, or the program states
 * that the mesh's global defaults apply (`sidecarDefaults: true`), else a
 * warning.
 */
export const workloadResources = defineAnalyzer({
  id: 'k8s.resources',
  title: 'Requests and limits set (app and sidecar)',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  parameters: { sidecarDefaults: SIDECAR_DEFAULTS },
  analyze({ manifests, mesh, params, dataPlane }) {
    const sidecarDefaults = param(params, SIDECAR_DEFAULTS, 'sidecarDefaults');
    const sidecarKeys =
      mesh === 'istio'
        ? ISTIO_PROXY_RESOURCE_ANNOTATIONS
        : LINKERD_PROXY_RESOURCE_ANNOTATIONS;
    return judgeWorkloads(
      manifests,
      workload => {
        const findings: Finding[] = applicationContainers(workload).flatMap(
          container => {
            const resources = isPlainObject(container.spec.resources)
              ? container.spec.resources
              : {};
            const requests = isPlainObject(resources.requests)
              ? resources.requests
              : {};
            const limits = isPlainObject(resources.limits)
              ? resources.limits
              : {};
            const missing = [
              requests.cpu === undefined ? 'requests.cpu' : undefined,
              requests.memory === undefined ? 'requests.memory' : undefined,
              limits.memory === undefined ? 'limits.memory' : undefined,
            ].filter((m): m is string => m !== undefined);
            return missing.length === 0
              ? []
              : [
                  objectFinding(
                    workload.object,
                    'fail',
                    `${workloadName(workload)}: container ${
                      container.name
                    } sets no ${missing.join(', ')}`,
                    {
                      field: [...container.path, 'resources'],
                      remediation:
                        'set CPU and memory requests and a memory limit',
                    },
                  ),
                ];
          },
        );
        // Ambient workloads have no proxy in the pod to size; a proxy
        // rendered into the pod spec (container or native sidecar) is sized
        // by its own resources.
        const plane = dataPlane(workload).kind;
        const hasInPodProxy = plane === 'sidecar' || plane === 'native-sidecar';
        const rendered = allContainers(workload).find(
          c =>
            c.name ===
            (mesh === 'istio'
              ? ISTIO_PROXY_CONTAINER
              : LINKERD_PROXY_CONTAINER),
        );
        const renderedSized =
          rendered !== undefined &&
          isPlainObject(rendered.spec.resources?.requests) &&
          isPlainObject(rendered.spec.resources?.limits);
        if (
          !sidecarDefaults &&
          (hasInPodProxy || plane === 'none') &&
          !renderedSized
        ) {
          const missing = [
            sidecarKeys.cpuRequest,
            sidecarKeys.memoryRequest,
            sidecarKeys.memoryLimit,
          ].filter(k => !(k in workload.podAnnotations));
          if (missing.length > 0) {
            findings.push(
              objectFinding(
                workload.object,
                'warn',
                `${workloadName(
                  workload,
                )}: the ${mesh} sidecar's resources are not set (${missing.join(
                  ', ',
                )}); the mesh-wide defaults apply`,
                {
                  field: [...workload.templatePath, 'metadata'],
                  remediation:
                    'size the sidecar with the proxy resource annotations',
                },
              ),
            );
          }
        }
        return findings;
      },
      {
        passMessage: w => `${workloadName(w)}: requests and limits set`,
        wording: {
          fail: n => `${count(n, 'container')} without requests or limits`,
          warn: n => `${count(n, 'sidecar')} on default resources`,
        },
      },
    );
  },
});

const REPLICATED_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
]);

/** k8s.availability: ≥ 2 replicas (or an HPA with min ≥ 2) and a PodDisruptionBudget. */
export const workloadAvailability = defineAnalyzer({
  id: 'k8s.availability',
  title: 'Replicas and a PodDisruptionBudget',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  parameters: { minReplicas: MIN_REPLICAS },
  analyze({ manifests, params }) {
    const minimum = param(params, MIN_REPLICAS, 'minReplicas');
    return judgeWorkloads(
      manifests,
      workload => {
        const findings: Finding[] = [];
        const object = workload.object;
        if (object.kind === 'Pod') {
          return [
            objectFinding(
              object,
              'fail',
              `Pod ${object.name} is a bare Pod: nothing restarts or replicates it`,
              { remediation: 'run it from a Deployment' },
            ),
          ];
        }
        const hpa = manifests.ofKind('HorizontalPodAutoscaler').find(h => {
          const ref = h.body.spec?.scaleTargetRef;
          return (
            h.namespace === object.namespace &&
            isPlainObject(ref) &&
            ref.kind === object.kind &&
            ref.name === object.name
          );
        });
        const replicas = workload.replicas ?? 1;
        const hpaMin = hpa
          ? Number(hpa.body.spec?.minReplicas ?? 1)
          : undefined;
        if (hpa && hpaMin !== undefined && hpaMin < minimum) {
          findings.push(
            objectFinding(
              hpa,
              'fail',
              `HorizontalPodAutoscaler ${hpa.name} allows ${hpaMin} replica${
                hpaMin === 1 ? '' : 's'
              } of ${
                object.name
              }; at least ${minimum} keep it available while pods restart`,
              {
                field: ['spec', 'minReplicas'],
                remediation: `set minReplicas to ${minimum} or more`,
              },
            ),
          );
        } else if (!hpa && replicas < minimum) {
          findings.push(
            objectFinding(
              object,
              'fail',
              `${workloadName(workload)} runs ${replicas} replica${
                replicas === 1 ? '' : 's'
              }; at least ${minimum} keep it available while pods restart`,
              {
                field: ['spec', 'replicas'],
                remediation: `set replicas to ${minimum} or more, or add an HPA with minReplicas ≥ ${minimum}`,
              },
            ),
          );
        }
        const pdb = manifests.ofKind('PodDisruptionBudget').find(p => {
          const selector = p.body.spec?.selector;
          return (
            p.namespace === object.namespace &&
            isPlainObject(selector) &&
            matchesLabelSelector(selector, workload.podLabels)
          );
        });
        if (!pdb) {
          findings.push(
            objectFinding(
              object,
              'fail',
              `no PodDisruptionBudget selects the pods of ${workloadName(
                workload,
              )}`,
              {
                field: [...workload.templatePath, 'metadata', 'labels'],
                remediation:
                  'add a PodDisruptionBudget (e.g. maxUnavailable: 1)',
              },
            ),
          );
        }
        return findings;
      },
      {
        applies: w => REPLICATED_KINDS.has(w.object.kind),
        none: 'no replicated workloads in the manifests',
        passMessage: w =>
          `${workloadName(w)} has replicas and a PodDisruptionBudget`,
        wording: { fail: n => `${count(n, 'availability gap')}` },
      },
    );
  },
});

export const workloadAnalyzers: CheckAnalyzer[] = [
  workloadLabels,
  workloadIdentity,
  workloadProbes,
  workloadMeshProbes,
  workloadStartup,
  workloadShutdown,
  workloadResources,
  workloadAvailability,
];
