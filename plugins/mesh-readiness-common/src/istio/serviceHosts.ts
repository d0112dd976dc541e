import type { ManifestObject, ManifestSet } from '../manifests';
import { isPlainObject, ISTIO_NETWORKING_GROUP, stringMap } from '../manifests';
import { defaultMeshConfig } from './meshConfig';
import { IstioAnalysisContext } from './context';
import {
  hostSpecificity,
  resolveDestinationHost,
  ruleHostCovers,
  serviceHostMap,
  ServiceTarget,
  toFqdn,
} from './hosts';
import { stringList } from './resources';
import { ISTIO_ROOT_NAMESPACE } from './conventions';

/*
 * Host resolution the Istio way (built on ./hosts): which Service or
 * ServiceEntry a DestinationRule / VirtualService host names, honouring
 * exportTo. Cached per manifest set.
 */

const hostMaps = new WeakMap<ManifestSet, Map<string, ServiceTarget>>();

function hostMap(manifests: ManifestSet): Map<string, ServiceTarget> {
  let map = hostMaps.get(manifests);
  if (!map) {
    const context = new IstioAnalysisContext(
      manifests,
      { meshConfig: defaultMeshConfig(), workloadsAsPods: true },
      'mesh-readiness',
    );
    map = serviceHostMap(context);
    hostMaps.set(manifests, map);
  }
  return map;
}

/** The Service or ServiceEntry a host of `object` resolves to, if any. */
export function resolveHost(
  manifests: ManifestSet,
  object: ManifestObject,
  host: string,
): ServiceTarget | undefined {
  return resolveDestinationHost(
    object.namespace,
    stringList(object.body.spec?.exportTo),
    host,
    hostMap(manifests),
  );
}

/** `name.namespace.svc.cluster.local` of a host written in `namespace`. */
export function fqdn(namespace: string, host: string): string {
  return toFqdn(namespace, host);
}

/** `cart.shop.svc.cluster.local` of a Kubernetes Service. */
export function serviceFqdn(service: ManifestObject): string {
  return toFqdn(service.namespace, service.name);
}

/**
 * Does a host written in `object`'s namespace apply to this Service? Exact
 * names resolve as Istio resolves them (exportTo honoured); wildcards
 * (`*.local`, `*.shop.svc.cluster.local`, `*`) cover every Service whose
 * name they match, which is how mesh-wide and namespace-wide rules reach a
 * workload.
 */
export function hostNamesService(
  manifests: ManifestSet,
  object: ManifestObject,
  host: string,
  service: ManifestObject,
): boolean {
  if (resolveHost(manifests, object, host)?.resource === service) return true;
  return (
    host.startsWith('*') &&
    ruleHostCovers(object.namespace, host, serviceFqdn(service))
  );
}

/**
 * The DestinationRules that decide the traffic policy towards a Service.
 * Istio applies one rule per host and client: the most specific matching
 * host (exact, then the longest wildcard) among the rules of the client's
 * namespace, else of the Service's namespace, else of the root namespace.
 * The clients are not known here, so the result holds the most specific
 * rule of each namespace, and drops the root namespace's when the
 * Service's own namespace has one (no client would ever see it).
 * Rules with a `workloadSelector` only apply to the selected clients but
 * still take part: they decide the policy of those clients.
 */
export function destinationRulesFor(
  manifests: ManifestSet,
  service: ManifestObject,
): ManifestObject[] {
  const best = new Map<string, { rule: ManifestObject; rank: number }>();
  for (const rule of manifests.ofKind(
    'DestinationRule',
    ISTIO_NETWORKING_GROUP,
  )) {
    const ruleHost = rule.body.spec?.host;
    if (typeof ruleHost !== 'string' || ruleHost === '') continue;
    if (!hostNamesService(manifests, rule, ruleHost, service)) continue;
    const rank = hostSpecificity(toFqdn(rule.namespace, ruleHost));
    const current = best.get(rule.namespace);
    if (!current || rank > current.rank) {
      best.set(rule.namespace, { rule, rank });
    }
  }
  if (
    service.namespace !== ISTIO_ROOT_NAMESPACE &&
    best.has(service.namespace)
  ) {
    best.delete(ISTIO_ROOT_NAMESPACE);
  }
  return [...best.values()].map(entry => entry.rule);
}

/** Equality selector of a Service (`{}` when it has none). */
export function serviceSelector(
  service: ManifestObject,
): Record<string, string> {
  return isPlainObject(service.body.spec?.selector)
    ? stringMap(service.body.spec.selector)
    : {};
}
