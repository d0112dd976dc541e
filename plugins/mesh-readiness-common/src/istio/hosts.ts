import type { ManifestObject } from '../manifests';
import type { IstioAnalysisContext } from './context';
import { mappings, stringList } from './resources';

export const EXPORT_TO_ALL = '*';
export const EXPORT_TO_LOCAL = '.';
const CLUSTER_DOMAIN = 'svc.cluster.local';
const FQDN_PATTERN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** An empty `exportTo`, or one containing `*`, exports to every namespace. */
export function isExportedToAll(exportTo: string[]): boolean {
  return exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL);
}

/**
 * The namespaces an `exportTo` list makes a resource visible in: `['*']`
 * for all, otherwise the listed namespaces with `.` meaning the resource's.
 */
export function exportScopes(exportTo: string[], namespace: string): string[] {
  if (isExportedToAll(exportTo)) return [EXPORT_TO_ALL];
  return [
    ...new Set(exportTo.map(e => (e === EXPORT_TO_LOCAL ? namespace : e))),
  ];
}

/** A short host name (`reviews`) qualified as `reviews.<ns>.svc.cluster.local`. */
export function toFqdn(namespace: string, host: string): string {
  return !host.startsWith('*') && !host.includes('.')
    ? `${host}.${namespace}.${CLUSTER_DOMAIN}`
    : host;
}

/** `scope/fqdn`: a host as seen from a namespace scope (or `*`). */
export function scopedFqdn(scope: string, namespace: string, host: string) {
  return `${scope}/${toFqdn(namespace, host)}`;
}

export function splitScopedFqdn(scoped: string): [string, string] {
  const slash = scoped.indexOf('/');
  return [scoped.slice(0, slash), scoped.slice(slash + 1)];
}

/**
 * The namespace and name a host refers to: parsed from a cluster-local FQDN,
 * or a short name in the given namespace.
 */
export function resourceNameFromHost(
  defaultNamespace: string,
  host: string,
): { namespace: string; name: string } {
  const match = FQDN_PATTERN.exec(host);
  if (match) return { namespace: match[2], name: match[1] };
  return { namespace: defaultNamespace, name: host };
}

/**
 * Istio host matching: equal, or `a` is covered by the wildcard `b`
 * (`*.example.com` covers `api.example.com`, `*` covers everything), or
 * `b` is covered by a wildcard `a`.
 */
export function hostsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (bWild && a.endsWith(b.slice(1))) return true;
  if (aWild && b.endsWith(a.slice(1))) return true;
  return false;
}

/**
 * How specific a host is when several rules match one service: an exact
 * host beats every wildcard, a longer wildcard suffix beats a shorter one
 * (`*.shop.svc.cluster.local` over `*.local`), `*` comes last. Istio picks
 * the most specific DestinationRule / Sidecar host this way.
 */
export function hostSpecificity(host: string): number {
  if (!host.startsWith('*')) return Number.MAX_SAFE_INTEGER;
  return host.length - 1;
}

/**
 * `*.local`: the host Istio's documentation gives mesh-wide
 * DestinationRules (and the only one the mesh console treats as such).
 */
export function isMeshWideHost(host: string): boolean {
  return host === '*.local';
}

/** `*.<namespace>.svc.cluster.local`: every service of one namespace. */
export function namespaceOfWideHost(host: string): string | undefined {
  const match = /^\*\.([^.*]+)\.svc\.cluster\.local$/.exec(host);
  return match ? match[1] : undefined;
}

/**
 * Does a rule host, written in `namespace`, apply to a service host? Short
 * names are qualified in the rule's namespace; wildcards match in both
 * directions (Istio's host semantics, see `hostsMatch`).
 */
export function ruleHostCovers(
  namespace: string,
  ruleHost: string,
  serviceHost: string,
): boolean {
  return hostsMatch(toFqdn(namespace, ruleHost), serviceHost);
}

/** A destination a VirtualService routes to, as Istio sees it. */
export interface ServiceTarget {
  resource: ManifestObject;
  ports: Array<{ number: number; name?: string; protocol?: string }>;
}

/**
 * Every host a route may point at, keyed by `scope/fqdn`: ServiceEntry
 * hosts (scoped by `exportTo`) and Kubernetes Services (scoped by the
 * `networking.istio.io/exportTo` annotation), each with its ports.
 */
export function serviceHostMap(
  context: IstioAnalysisContext,
): Map<string, ServiceTarget> {
  const result = new Map<string, ServiceTarget>();
  for (const entry of context.ofKind('ServiceEntry')) {
    const spec = entry.body.spec ?? {};
    const scopes = exportScopes(stringList(spec.exportTo), entry.namespace);
    const target: ServiceTarget = {
      resource: entry,
      ports: mappings(spec.ports).map(([port]) => ({
        number: Number(port.number),
        name: port.name,
        protocol: port.protocol,
      })),
    };
    for (const scope of scopes) {
      for (const host of stringList(spec.hosts)) {
        result.set(scopedFqdn(scope, entry.namespace, host), target);
      }
    }
  }
  for (const service of context.ofKind('Service')) {
    const spec = service.body.spec ?? {};
    const target: ServiceTarget = {
      resource: service,
      ports: mappings(spec.ports).map(([port]) => ({
        number: Number(port.port),
        name: port.name,
        protocol: port.protocol,
      })),
    };
    const annotation = service.annotations['networking.istio.io/exportTo'];
    const scopes = annotation
      ? annotation
          .split(',')
          .map(s => s.trim())
          .map(s => (s === EXPORT_TO_LOCAL ? service.namespace : s))
      : [EXPORT_TO_ALL];
    for (const scope of scopes) {
      result.set(scopedFqdn(scope, service.namespace, service.name), target);
    }
  }
  return result;
}

/**
 * Resolves a destination host of a route defined in `sourceNamespace` and
 * exported to `exportTo`: an exact host visible everywhere, then one
 * visible where the route is (its namespace, or the namespaces it is
 * exported to), then a wildcard entry visible in its namespace.
 */
export function resolveDestinationHost(
  sourceNamespace: string,
  exportTo: string[],
  host: string,
  hosts: Map<string, ServiceTarget>,
): ServiceTarget | undefined {
  const everywhere = hosts.get(
    scopedFqdn(EXPORT_TO_ALL, sourceNamespace, host),
  );
  if (everywhere) return everywhere;
  const scopes =
    exportTo.length === 0
      ? [sourceNamespace]
      : exportTo.map(e => (e === EXPORT_TO_LOCAL ? sourceNamespace : e));
  for (const scope of scopes) {
    const visible = hosts.get(scopedFqdn(scope, sourceNamespace, host));
    if (visible) return visible;
  }
  const bare = host.startsWith('*') ? host.slice(1) : host;
  for (const [key, target] of hosts) {
    const [scope, entryHost] = splitScopedFqdn(key);
    if (!entryHost.startsWith('*')) continue;
    if (scope !== EXPORT_TO_ALL && scope !== sourceNamespace) continue;
    if (bare.endsWith(entryHost.slice(1))) return target;
  }
  return undefined;
}
