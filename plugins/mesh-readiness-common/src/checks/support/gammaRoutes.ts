/*
 * Gateway API routes for the mesh (GAMMA, Standard channel since Gateway
 * API v1.1): an HTTPRoute or GRPCRoute whose `parentRefs` entry is a
 * Service (`group: ""`, `kind: Service`). A route in the Service's
 * namespace is a producer route, one elsewhere a consumer route. Both
 * meshes honour `rules[].timeouts` (GEP-1742); Istio also the `retry`
 * block of GEP-1731. In ambient, Istio ignores such a route unless the
 * Service or its namespace binds a waypoint (istio
 * `pilot/pkg/config/kube/gateway/conditions.go`, "route will not be
 * respected").
 */
import type { ManifestObject, ManifestSet } from '../../manifests';
import { GATEWAY_API_GROUP, isPlainObject } from '../../manifests';

export const GAMMA_ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

/** A route attached to a Service, and which `parentRefs` entry attaches it. */
export interface GammaRoute {
  route: ManifestObject;
  parentIndex: number;
  /** In the Service's namespace (producer) or elsewhere (consumer). */
  role: 'producer' | 'consumer';
}

/** The GAMMA routes whose parent is the Service, in file order. */
export function gammaRoutesFor(
  manifests: ManifestSet,
  service: ManifestObject,
): GammaRoute[] {
  const result: GammaRoute[] = [];
  for (const kind of GAMMA_ROUTE_KINDS) {
    for (const route of manifests.ofKind(kind, GATEWAY_API_GROUP)) {
      const parents = route.body.spec?.parentRefs;
      if (!Array.isArray(parents)) continue;
      const parentIndex = parents.findIndex(
        (parent: unknown) =>
          isPlainObject(parent) &&
          parent.kind === 'Service' &&
          (parent.group === undefined || parent.group === '') &&
          parent.name === service.name &&
          (typeof parent.namespace === 'string'
            ? parent.namespace
            : route.namespace) === service.namespace,
      );
      if (parentIndex === -1) continue;
      result.push({
        route,
        parentIndex,
        role: route.namespace === service.namespace ? 'producer' : 'consumer',
      });
    }
  }
  return result;
}

/** Whether a route has any Service parent (a mesh route). */
export function isGammaRoute(route: ManifestObject): boolean {
  const parents = route.body.spec?.parentRefs;
  return (
    GAMMA_ROUTE_KINDS.includes(route.kind) &&
    Array.isArray(parents) &&
    parents.some(
      (parent: unknown) =>
        isPlainObject(parent) &&
        parent.kind === 'Service' &&
        (parent.group === undefined || parent.group === ''),
    )
  );
}

/** What one rule of a route sets, per GEP-1742 and GEP-1731. */
export function ruleResilience(rule: Record<string, any>): {
  timeout?: string;
  retry: boolean;
} {
  const timeouts = isPlainObject(rule.timeouts) ? rule.timeouts : {};
  const timeout = [timeouts.request, timeouts.backendRequest].find(
    (value): value is string => typeof value === 'string',
  );
  return { timeout, retry: isPlainObject(rule.retry) };
}
