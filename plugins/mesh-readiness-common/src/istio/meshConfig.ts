import { isPlainObject } from '../manifests';
import type { MeshConfig, MeshConfigOverrides } from './types';

/**
 * The MeshConfig fields the analyzers read, at Istio's built-in defaults:
 * the root namespace is `istio-system` and the ingress controller mode is
 * STRICT (which is why `istioctl analyze` models the default ingress gateway).
 */
export function defaultMeshConfig(): MeshConfig {
  return {
    rootNamespace: 'istio-system',
    ingressControllerMode: 'STRICT',
    defaultConfig: { proxyMetadata: {} },
  };
}

/**
 * Lays a partial mesh config (the `mesh` key of the `istio` ConfigMap, or a
 * mesh config file) over the defaults: maps merge key by key, anything else
 * replaces the default.
 */
export function resolveMeshConfig(overrides?: MeshConfigOverrides): MeshConfig {
  const base = defaultMeshConfig() as unknown as Record<string, unknown>;
  if (overrides === undefined) return base as unknown as MeshConfig;
  if (!isPlainObject(overrides)) {
    throw new Error('mesh config must be a mapping of MeshConfig fields');
  }
  return mergeOver(base, overrides) as unknown as MeshConfig;
}

function mergeOver(
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = result[key];
    result[key] =
      isPlainObject(current) && isPlainObject(value)
        ? mergeOver(current, value)
        : value;
  }
  return result;
}

/** `defaultConfig.proxyMetadata` as strings (YAML may type `true`). */
export function proxyMetadata(meshConfig: MeshConfig): Record<string, string> {
  const metadata = meshConfig.defaultConfig?.proxyMetadata;
  const result: Record<string, string> = {};
  if (isPlainObject(metadata)) {
    for (const [key, value] of Object.entries(metadata)) {
      if (value !== null && value !== undefined) result[key] = String(value);
    }
  }
  return result;
}
