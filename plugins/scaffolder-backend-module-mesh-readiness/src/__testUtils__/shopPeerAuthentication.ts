/**
 * The `shop` namespace's PeerAuthentication as the fix tests meet it: the
 * fragment a template writes (STRICT), and the file a repository already
 * holds (PERMISSIVE, with a comment the fix must keep).
 */
export const SHOP_PEER_AUTHENTICATION_STRICT = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: STRICT
`;

export const SHOP_PEER_AUTHENTICATION_PERMISSIVE_FILE = `# The shop's mesh policies.
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: PERMISSIVE
`;
