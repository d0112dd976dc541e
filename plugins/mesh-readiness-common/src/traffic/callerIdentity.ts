/*
 * The namespace and service account an mTLS identity names: Istio's SPIFFE
 * id `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>` and
 * Linkerd's `<service-account>.<namespace>.serviceaccount.identity.linkerd.<trust-domain>`.
 * Linkerd's inbound metrics name a meshed caller by its identity only, so
 * this is how such a caller finds its catalog entity.
 */

export interface IdentityWorkload {
  namespace: string;
  serviceAccount: string;
}

const SPIFFE =
  /^spiffe:\/\/[^/]{1,253}\/ns\/([a-z0-9-]{1,63})\/sa\/([a-z0-9.-]{1,253})$/;
const LINKERD =
  /^([a-z0-9-]{1,253})\.([a-z0-9-]{1,63})\.serviceaccount\.identity\.linkerd\.[a-z0-9.-]{1,253}$/;

/** The identity's namespace and service account; undefined for another form. */
export function identityWorkloadOf(
  identity: string,
): IdentityWorkload | undefined {
  const spiffe = SPIFFE.exec(identity);
  if (spiffe) return { namespace: spiffe[1], serviceAccount: spiffe[2] };
  const linkerd = LINKERD.exec(identity);
  if (linkerd) return { namespace: linkerd[2], serviceAccount: linkerd[1] };
  return undefined;
}
