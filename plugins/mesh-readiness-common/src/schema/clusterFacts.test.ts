import { DATA_PLANE_KINDS } from '../dataplane';
import { clusterFactsSchema, dataPlaneKindSchema } from './clusterFacts';

describe('clusterFactsSchema', () => {
  it('has the data planes the manifests resolve to', () => {
    expect(dataPlaneKindSchema.options).toEqual(DATA_PLANE_KINDS);
  });

  it('accepts facts that name cluster, namespace and object', () => {
    const facts = {
      clusters: [
        { name: 'prod-eu', mode: 'push', observedAt: '2026-12-02T10:00:00Z' },
      ],
      pods: [
        {
          cluster: 'prod-eu',
          namespace: 'shop',
          name: 'checkout-1',
          phase: 'Running',
          workload: { kind: 'Deployment', name: 'checkout' },
          containers: ['checkout', 'istio-proxy'],
          initContainers: ['istio-init'],
          proxyVersion: '1.24.2',
          dataPlane: {
            mesh: 'istio',
            kind: 'sidecar',
            reason: 'the pod runs an istio-proxy container',
          },
        },
      ],
      workloads: [
        {
          cluster: 'prod-eu',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'checkout',
          pods: 1,
          mtls: {
            mode: 'STRICT',
            source: { scope: 'namespace', namespace: 'shop', name: 'default' },
          },
          authorizationPolicies: [
            {
              mesh: 'istio',
              namespace: 'shop',
              name: 'deny-all',
              action: 'DENY',
              dryRun: true,
              rules: 1,
              boundBy: 'namespace',
            },
          ],
        },
      ],
      routes: [
        {
          cluster: 'prod-eu',
          kind: 'HTTPRoute',
          namespace: 'shop',
          name: 'checkout',
          attachment: 'gamma',
          services: ['shop/checkout'],
          accepted: false,
          reason: 'BackendNotFound: service shop/payments not found',
        },
      ],
      controlPlaneVersion: { istio: '1.24.2' },
      meshObjects: [
        {
          cluster: 'prod-eu',
          group: 'security.istio.io',
          kind: 'PeerAuthentication',
          namespace: 'shop',
          name: 'default',
        },
      ],
      notInstalled: [{ cluster: 'prod-eu', kind: 'servers.policy.linkerd.io' }],
    };
    expect(clusterFactsSchema.parse(facts)).toEqual(facts);
  });

  it('refuses an mTLS source without the policy that sets it', () => {
    const result = clusterFactsSchema.safeParse({
      workloads: [
        {
          cluster: 'prod-eu',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'checkout',
          pods: 1,
          mtls: { mode: 'STRICT', source: { scope: 'namespace' } },
          authorizationPolicies: [],
        },
      ],
    });
    expect(result.error?.issues[0].path.slice(0, 4)).toEqual([
      'workloads',
      0,
      'mtls',
      'source',
    ]);
  });
});
