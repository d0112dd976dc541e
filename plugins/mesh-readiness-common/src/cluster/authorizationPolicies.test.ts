import type {
  ClusterSnapshot,
  SnapshotService,
} from '../schema/clusterSnapshot';
import { snapshotOf } from './__fixtures__/fixtureSnapshot';
import { authorizationPoliciesInForce } from './authorizationPolicies';
import { IndexedSnapshot } from './clusterIndex';

type IstioPolicy = ClusterSnapshot['istio']['authorizationPolicies'][number];

const policy = (
  fields: Partial<IstioPolicy> & { namespace: string; name: string },
): IstioPolicy => ({
  action: 'ALLOW',
  rules: 1,
  dryRun: false,
  ...fields,
});

const checkoutService: SnapshotService = {
  namespace: 'shop',
  name: 'checkout',
  labels: {},
  selector: { app: 'checkout' },
  ports: [{ port: 80 }],
};

function names(
  snapshot: ClusterSnapshot,
  dataPlane?: Parameters<typeof authorizationPoliciesInForce>[4],
) {
  return authorizationPoliciesInForce(
    new IndexedSnapshot(snapshot),
    'shop',
    { app: 'checkout' },
    [checkoutService],
    dataPlane,
  ).map(
    p =>
      `${p.mesh} ${p.namespace}/${p.name} ${p.boundBy}${
        p.dryRun ? ' dry-run' : ''
      }`,
  );
}

describe('authorizationPoliciesInForce', () => {
  it('binds Istio policies by selector, namespace, root namespace and targetRefs', () => {
    const snapshot = snapshotOf('prod-eu', '2026-12-02T11:00:00Z', {
      istio: {
        peerAuthentications: [],
        sidecars: [],
        authorizationPolicies: [
          policy({
            namespace: 'shop',
            name: 'by-selector',
            selector: { app: 'checkout' },
          }),
          policy({
            namespace: 'shop',
            name: 'other-selector',
            selector: { app: 'cart' },
          }),
          policy({
            namespace: 'shop',
            name: 'whole-namespace',
            action: 'DENY',
            dryRun: true,
          }),
          policy({ namespace: 'istio-system', name: 'mesh-wide' }),
          policy({
            namespace: 'istio-system',
            name: 'mesh-selector',
            selector: { app: 'checkout' },
          }),
          policy({ namespace: 'payments', name: 'elsewhere' }),
          policy({
            namespace: 'shop',
            name: 'on-service',
            targetRefs: [{ group: '', kind: 'Service', name: 'checkout' }],
          }),
          policy({
            namespace: 'shop',
            name: 'on-other-service',
            targetRefs: [{ group: '', kind: 'Service', name: 'cart' }],
          }),
          policy({
            namespace: 'shop',
            name: 'on-waypoint',
            targetRefs: [
              {
                group: 'gateway.networking.k8s.io',
                kind: 'Gateway',
                name: 'waypoint',
              },
            ],
          }),
        ],
      },
    });
    expect(names(snapshot)).toEqual([
      'istio istio-system/mesh-selector root-namespace',
      'istio istio-system/mesh-wide root-namespace',
      'istio shop/by-selector selector',
      'istio shop/on-service target-ref',
      'istio shop/whole-namespace namespace dry-run',
    ]);
    // Served by the waypoint shop/waypoint, the policy on it is in force too.
    expect(
      names(snapshot, {
        mesh: 'istio',
        kind: 'ambient-waypoint',
        reason: 'namespace shop has istio.io/dataplane-mode=ambient',
        waypoint: { namespace: 'shop', name: 'waypoint' },
      }),
    ).toContain('istio shop/on-waypoint target-ref');
  });

  it('binds Linkerd policies through the Servers selecting the pods, audit making them a dry run', () => {
    const snapshot = snapshotOf('prod-us', '2026-12-02T11:00:00Z', {
      linkerd: {
        servers: [
          {
            namespace: 'shop',
            name: 'checkout-http',
            podSelector: {
              matchExpressions: [
                { key: 'app', operator: 'In', values: ['checkout'] },
              ],
            },
            port: 8080,
            accessPolicy: 'audit',
          },
          {
            namespace: 'shop',
            name: 'cart-http',
            podSelector: { matchLabels: { app: 'cart' } },
            port: 8080,
          },
        ],
        authorizationPolicies: [
          {
            namespace: 'shop',
            name: 'checkout-callers',
            targetRef: {
              group: 'policy.linkerd.io',
              kind: 'Server',
              name: 'checkout-http',
            },
            requiredAuthenticationRefs: [
              {
                group: 'policy.linkerd.io',
                kind: 'MeshTLSAuthentication',
                name: 'web',
              },
            ],
          },
          {
            namespace: 'shop',
            name: 'cart-callers',
            targetRef: {
              group: 'policy.linkerd.io',
              kind: 'Server',
              name: 'cart-http',
            },
            requiredAuthenticationRefs: [],
          },
          {
            namespace: 'shop',
            name: 'namespace-wide',
            targetRef: { kind: 'Namespace', name: 'shop' },
            requiredAuthenticationRefs: [],
          },
        ],
        meshTlsAuthentications: [],
      },
    });
    expect(names(snapshot)).toEqual([
      'linkerd shop/checkout-callers server dry-run',
      'linkerd shop/namespace-wide namespace',
    ]);
  });
});
