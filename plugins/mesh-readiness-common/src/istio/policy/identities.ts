import { waypointGateways } from '../../dataplane';
import type { FieldPath, ManifestObject, ManifestSet } from '../../manifests';
import { isPlainObject } from '../../manifests';

/*
 * The mTLS identities an Istio AuthorizationPolicy relies on, and whether
 * the identities it names exist.
 *
 * Principals are `<trust-domain>/ns/<namespace>/sa/<service-account>`. Which
 * ServiceAccounts exist is only partly visible to a static check: the
 * manifests of one service hold its own ServiceAccounts, rarely its
 * callers'. The rule is therefore:
 *
 * - a principal in a namespace the manifests deploy to or declare must name
 *   a ServiceAccount of that namespace in the manifests (a ServiceAccount
 *   object, the `serviceAccountName` of a workload, or `default`, which
 *   every namespace has); otherwise it is a finding (KIA0106): the
 *   manifests are the inventory of that namespace, and a typo there
 *   silently denies the caller (ALLOW) or exempts it (DENY);
 * - a principal in another namespace is resolved against the catalog's
 *   callers of the entity (a caller whose entity name is the principal's
 *   ServiceAccount name: the Backstage convention of naming the Kubernetes
 *   objects after the component). When the callers are not known, or none
 *   matches, the principal cannot be verified: a warning with the reason,
 *   never a silent pass. Cluster evidence (the ServiceAccounts that exist)
 *   would settle these; `ServiceAccountInventory` is where it plugs in;
 * - a principal of another trust domain than the program's `trustDomain`
 *   cannot be verified (KIA0108), as the mesh console does;
 * - wildcard principals (`*`, `prefix*`, `*suffix`) are not references to
 *   one account: `*` is any authenticated client; the others must match at
 *   least one known identity, or they cannot be verified.
 */

/** One identity value of a policy, with the field that holds it. */
export interface IdentityReference {
  value: string;
  field: FieldPath;
}

/** What a policy says about mTLS identities. */
export interface PolicyIdentities {
  principals: IdentityReference[];
  /** Fields that only mean something for mTLS traffic (KIA0105). */
  mtlsFields: FieldPath[];
}

const SOURCE_PRINCIPAL_FIELDS = ['principals', 'notPrincipals'];
const SOURCE_MTLS_FIELDS = [
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
];
/** `when` keys that read the peer certificate (Istio authorization conditions). */
const MTLS_CONDITION_KEYS = new Set([
  'source.principal',
  'source.namespace',
  'connection.sni',
]);

function stringsAt(value: unknown): Array<[string, number]> {
  return Array.isArray(value)
    ? value
        .map((v, i) => [v, i] as [unknown, number])
        .filter((e): e is [string, number] => typeof e[0] === 'string')
    : [];
}

export function policyIdentities(policy: ManifestObject): PolicyIdentities {
  const result: PolicyIdentities = { principals: [], mtlsFields: [] };
  const rules = Array.isArray(policy.body.spec?.rules)
    ? policy.body.spec.rules
    : [];
  rules.forEach((rule: unknown, r: number) => {
    if (!isPlainObject(rule)) return;
    const froms = Array.isArray(rule.from) ? rule.from : [];
    froms.forEach((from: unknown, f: number) => {
      const source = isPlainObject(from) ? from.source : undefined;
      if (!isPlainObject(source)) return;
      for (const key of SOURCE_MTLS_FIELDS) {
        const list = source[key];
        if (!Array.isArray(list) || list.length === 0) continue;
        const path = ['spec', 'rules', r, 'from', f, 'source', key];
        result.mtlsFields.push(path);
        if (!SOURCE_PRINCIPAL_FIELDS.includes(key)) continue;
        for (const [value, i] of stringsAt(list)) {
          result.principals.push({ value, field: [...path, i] });
        }
      }
    });
    const conditions = Array.isArray(rule.when) ? rule.when : [];
    conditions.forEach((condition: unknown, w: number) => {
      if (!isPlainObject(condition)) return;
      const key = String(condition.key ?? '');
      if (!MTLS_CONDITION_KEYS.has(key)) return;
      const path = ['spec', 'rules', r, 'when', w];
      result.mtlsFields.push(path);
      if (key !== 'source.principal') return;
      for (const list of ['values', 'notValues']) {
        for (const [value, i] of stringsAt(condition[list])) {
          result.principals.push({ value, field: [...path, list, i] });
        }
      }
    });
  });
  return result;
}

/** The ServiceAccounts known to exist, by namespace. */
export interface ServiceAccountInventory {
  /** Namespaces whose ServiceAccounts the inventory lists completely. */
  namespaces: ReadonlySet<string>;
  accounts: ReadonlyMap<string, ReadonlySet<string>>;
}

/** ServiceAccounts of the manifests: declared ones and those workloads run as. */
export function manifestServiceAccounts(
  manifests: ManifestSet,
): ServiceAccountInventory {
  const accounts = new Map<string, Set<string>>();
  const add = (namespace: string, name: string) => {
    const set = accounts.get(namespace) ?? new Set<string>();
    set.add(name);
    accounts.set(namespace, set);
  };
  for (const account of manifests.ofKind('ServiceAccount', '')) {
    add(account.namespace, account.name);
  }
  for (const workload of manifests.workloads()) {
    const name =
      workload.podSpec.serviceAccountName ?? workload.podSpec.serviceAccount;
    if (typeof name === 'string' && name !== '') {
      add(workload.object.namespace, name);
    }
  }
  // Istio provisions a waypoint's Deployment with a ServiceAccount named
  // after the Gateway (no class suffix for istio-waypoint), unless the
  // Gateway names one (istio `pilot/pkg/config/kube/gateway/
  // gateway_collection.go`, `gatewaycommon/classinfo.go`).
  for (const gateway of waypointGateways(manifests)) {
    add(
      gateway.namespace,
      gateway.annotations['gateway.istio.io/service-account'] || gateway.name,
    );
  }
  const namespaces = new Set(
    manifests.namespaces().filter(namespace => namespace !== ''),
  );
  return { namespaces, accounts };
}

export type PrincipalResolution =
  | { status: 'resolved'; how: string }
  | { status: 'missing'; reason: string; code?: string }
  | { status: 'unverifiable'; reason: string; code?: string };

const PRINCIPAL_PARTS = /^([^/]*)\/ns\/([^/]+)\/sa\/([^/]+)$/;

function wildcardMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/**
 * Resolves a principal against the ServiceAccounts known to exist and the
 * catalog's callers (entity names), as described at the top of this file.
 * A malformed principal matches no client: `missing`.
 */
export function resolvePrincipal(
  principal: string,
  inventory: ServiceAccountInventory,
  trustDomain: string,
  callerNames: string[] | undefined,
): PrincipalResolution {
  if (principal === '*') {
    return { status: 'resolved', how: 'any authenticated client' };
  }
  if (principal.includes('*')) {
    for (const [namespace, names] of inventory.accounts) {
      for (const name of names) {
        if (
          wildcardMatches(
            principal,
            `${trustDomain}/ns/${namespace}/sa/${name}`,
          )
        ) {
          return {
            status: 'resolved',
            how: `matches ServiceAccount ${name} of namespace ${namespace}`,
          };
        }
      }
    }
    return {
      status: 'unverifiable',
      reason: 'the pattern matches no ServiceAccount in the manifests',
    };
  }
  const parts = PRINCIPAL_PARTS.exec(principal);
  if (!parts) {
    return {
      status: 'missing',
      reason:
        'it is not of the form <trust-domain>/ns/<namespace>/sa/<service-account>, so it matches no client',
    };
  }
  const [, domain, namespace, name] = parts;
  if (domain !== trustDomain) {
    return {
      status: 'unverifiable',
      reason: `its trust domain ${domain} is not the mesh's (${trustDomain}, program parameter trustDomain); a trust domain alias may accept it`,
      code: 'KIA0108',
    };
  }
  if (inventory.namespaces.has(namespace)) {
    if (name === 'default') {
      return {
        status: 'resolved',
        how: `every namespace has a default ServiceAccount`,
      };
    }
    if (inventory.accounts.get(namespace)?.has(name)) {
      return {
        status: 'resolved',
        how: `ServiceAccount ${name} is in the manifests of namespace ${namespace}`,
      };
    }
    return {
      status: 'missing',
      reason: `no ServiceAccount ${name} in namespace ${namespace}, which these manifests deploy to or declare`,
      code: 'KIA0106',
    };
  }
  if (callerNames === undefined) {
    return {
      status: 'unverifiable',
      reason: `namespace ${namespace} is not in the manifests and the catalog's callers of the entity are not known`,
    };
  }
  if (callerNames.includes(name)) {
    return {
      status: 'resolved',
      how: `${name} is a caller of the entity in the catalog`,
    };
  }
  return {
    status: 'unverifiable',
    reason: `namespace ${namespace} is not in the manifests and no caller of the entity in the catalog is named ${name} (${
      callerNames.length ? callerNames.join(', ') : 'no callers'
    })`,
  };
}
