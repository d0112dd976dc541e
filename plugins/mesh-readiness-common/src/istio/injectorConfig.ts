import type { ManifestObject } from '../manifests';
import { isPlainObject } from '../manifests';

export const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';

/** The injector ConfigMap name of a revision (`default` or none: the base name). */
export function injectorConfigMapName(revision: string | undefined): string {
  return !revision || revision === 'default'
    ? INJECTOR_CONFIGMAP
    : `${INJECTOR_CONFIGMAP}-${revision}`;
}

/**
 * The Helm values the injector was installed with: the JSON in the `values`
 * key of its ConfigMap. `undefined` when absent or not JSON.
 */
export function injectorValues(
  configMap: ManifestObject,
): Record<string, any> | undefined {
  const text = configMap.body.data?.values;
  if (typeof text !== 'string') return undefined;
  try {
    const values = JSON.parse(text);
    return isPlainObject(values) ? values : undefined;
  } catch {
    return undefined;
  }
}
