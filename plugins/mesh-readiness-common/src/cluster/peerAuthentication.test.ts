import type { ClusterSnapshot } from '../schema/clusterSnapshot';
import { snapshotOf } from './__fixtures__/fixtureSnapshot';
import { IndexedSnapshot } from './clusterIndex';
import { mtlsInForce } from './peerAuthentication';

type PeerAuthentication =
  ClusterSnapshot['istio']['peerAuthentications'][number];

function indexed(
  peerAuthentications: PeerAuthentication[],
  rootNamespace?: string,
) {
  return new IndexedSnapshot(
    snapshotOf('prod-eu', '2026-12-02T11:00:00Z', {
      istio: {
        peerAuthentications,
        authorizationPolicies: [],
        sidecars: [],
        controlPlane: rootNamespace
          ? { rootNamespace, revisions: [] }
          : undefined,
      },
    }),
  );
}

const hello = { app: 'hello' };

describe('mtlsInForce', () => {
  it('is the mesh default PERMISSIVE without any policy', () => {
    expect(mtlsInForce(indexed([]), 'shop', hello)).toEqual({
      mode: 'PERMISSIVE',
      source: { scope: 'mesh-default' },
    });
  });

  it('takes the most specific policy: workload, then namespace, then mesh', () => {
    const mesh = {
      namespace: 'istio-system',
      name: 'default',
      mode: 'STRICT' as const,
    };
    const namespace = {
      namespace: 'shop',
      name: 'default',
      mode: 'PERMISSIVE' as const,
    };
    const workload = {
      namespace: 'shop',
      name: 'hello',
      selector: hello,
      mode: 'DISABLE' as const,
    };
    expect(mtlsInForce(indexed([mesh]), 'shop', hello)?.source).toEqual({
      scope: 'mesh',
      namespace: 'istio-system',
      name: 'default',
    });
    expect(mtlsInForce(indexed([mesh, namespace]), 'shop', hello)?.mode).toBe(
      'PERMISSIVE',
    );
    expect(
      mtlsInForce(indexed([mesh, namespace, workload]), 'shop', hello),
    ).toEqual({
      mode: 'DISABLE',
      source: { scope: 'workload', namespace: 'shop', name: 'hello' },
    });
    // A selector that does not match the workload does not apply.
    expect(
      mtlsInForce(indexed([mesh, workload]), 'shop', { app: 'cart' })?.mode,
    ).toBe('STRICT');
    // Nor does a policy of another namespace.
    expect(
      mtlsInForce(indexed([namespace]), 'payments', hello)?.source,
    ).toEqual({
      scope: 'mesh-default',
    });
  });

  it('lets an UNSET policy inherit, keeping its port-level modes', () => {
    const result = mtlsInForce(
      indexed([
        { namespace: 'shop', name: 'default', mode: 'STRICT' },
        {
          namespace: 'shop',
          name: 'hello',
          selector: hello,
          mode: 'UNSET',
          portLevelMtls: { '9090': 'PERMISSIVE', '8080': 'UNSET' },
        },
      ]),
      'shop',
      hello,
    );
    expect(result).toEqual({
      mode: 'STRICT',
      source: { scope: 'namespace', namespace: 'shop', name: 'default' },
      portLevel: { '8080': 'STRICT', '9090': 'PERMISSIVE' },
    });
  });

  it('applies the oldest of two policies at one level, as Istio does', () => {
    const result = mtlsInForce(
      indexed([
        {
          namespace: 'shop',
          name: 'a-newer',
          mode: 'PERMISSIVE',
          createdAt: '2026-06-01T00:00:00Z',
        },
        {
          namespace: 'shop',
          name: 'b-older',
          mode: 'STRICT',
          createdAt: '2025-06-01T00:00:00Z',
        },
      ]),
      'shop',
      hello,
    );
    expect(result?.source).toEqual({
      scope: 'namespace',
      namespace: 'shop',
      name: 'b-older',
    });
  });

  it('reads the mesh policy from the configured root namespace', () => {
    const policy = {
      namespace: 'mesh-root',
      name: 'default',
      mode: 'STRICT' as const,
    };
    expect(
      mtlsInForce(indexed([policy], 'mesh-root'), 'shop', hello)?.mode,
    ).toBe('STRICT');
    expect(mtlsInForce(indexed([policy]), 'shop', hello)?.mode).toBe(
      'PERMISSIVE',
    );
  });

  it('says nothing where PeerAuthentication is not installed', () => {
    const snapshot = snapshotOf('prod-us', '2026-12-02T11:00:00Z', {
      kinds: { 'peerauthentications.security.istio.io': 'not-installed' },
    });
    expect(
      mtlsInForce(new IndexedSnapshot(snapshot), 'shop', hello),
    ).toBeUndefined();
  });
});
