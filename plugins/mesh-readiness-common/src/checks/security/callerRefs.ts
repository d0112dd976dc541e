/**
 * Catalog entity refs of callers as Kubernetes-style names
 * (sec.mtls.callers, sec.authz.deny).
 */

export function refToResource(entityRef: string) {
  const match = /^(?:([^:]+):)?(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  return {
    kind: match?.[1] ?? 'Component',
    namespace: match?.[2] ?? 'default',
    name: match?.[3] ?? entityRef,
  };
}
