/** Check `k8s.probes.mesh`: "Probes keep working under the mesh". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../../manifests';
import {
  isPlainObject,
  LINKERD_POLICY_GROUP,
  matchesLabelSelector,
} from '../../manifests';
import { LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION } from '../../linkerd';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { DEFAULT_INBOUND_POLICY_PARAMETER } from '../../linkerd/policy';
import { count, objectFinding } from '../support/findings';
import { ISTIO_REWRITE_PROBES_ANNOTATION } from '../../istio/conventions';
import {
  BATCH_KINDS,
  isFalse,
  podAnnotationPath,
  PodContainer,
  workloadPorts,
} from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { applicationContainers } from './applicationContainers';

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
function linkerdServersFor(
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
  mesh: ['istio', 'linkerd'],
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
