import { LabelSelector, ManifestObject, stringMap } from '../manifests';
import { SYSTEM_NAMESPACES } from './kinds';

/** `namespace/name`, or `name` for cluster-scoped objects, as Istio prints it. */
export function fullName(object: { namespace: string; name: string }): string {
  return object.namespace ? `${object.namespace}/${object.name}` : object.name;
}

/** Resources of the Istio control plane itself (labelled `istio` or `release: istio`). */
export function isIstioControlPlane(object: ManifestObject): boolean {
  return 'istio' in object.labels || object.labels.release === 'istio';
}

export function isSystemNamespace(namespace: string): boolean {
  return SYSTEM_NAMESPACES.has(namespace);
}

/** A list as a string array, ignoring entries that are not strings. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Objects in a list that are mappings, with their index. */
export function mappings(value: unknown): Array<[Record<string, any>, number]> {
  if (!Array.isArray(value)) return [];
  const result: Array<[Record<string, any>, number]> = [];
  value.forEach((entry, index) => {
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      result.push([entry, index]);
    }
  });
  return result;
}

/** Kubernetes label selector string of an equality selector, sorted by key. */
export function selectorString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map(key => `${key}=${labels[key]}`)
    .join(',');
}

/**
 * A Kubernetes label selector read from untrusted YAML: `matchLabels` as a
 * string map and `matchExpressions` as well-formed requirements only.
 * `undefined` when there is no selector at all (which matches everything
 * where the API says so).
 */
export function labelSelector(value: unknown): LabelSelector | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  return {
    matchLabels: stringMap(raw.matchLabels),
    matchExpressions: mappings(raw.matchExpressions).map(([expression]) => ({
      key: String(expression.key ?? ''),
      operator: String(expression.operator ?? ''),
      values: stringList(expression.values),
    })),
  };
}
