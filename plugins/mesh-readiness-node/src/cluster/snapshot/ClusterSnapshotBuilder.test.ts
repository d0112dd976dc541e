import { clusterSnapshotSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import { ClusterSnapshotBuilder } from './ClusterSnapshotBuilder';
import { imageVersion } from './controlPlanes';

const OBSERVED_AT = '2026-12-02T10:00:00.000Z';

function pod(name: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name, namespace: 'shop', ...extra },
    spec: { containers: [{ name: 'app', image: 'shop/app:1' }] },
    status: { phase: 'Running' },
  };
}

describe('ClusterSnapshotBuilder', () => {
  it('keeps only mesh annotations, drops over-long values and skips objects without a name', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    builder.addItems('pods', [
      pod('a', {
        labels: { app: 'a', team: 'shop' },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
          'sidecar.istio.io/status': 'x'.repeat(20_000),
          'ambient.istio.io/redirection': 'enabled',
        },
      }),
      { metadata: { namespace: 'shop' } },
      'not an object',
    ]);
    const snapshot = builder.build();
    expect(clusterSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.pods).toEqual([
      {
        namespace: 'shop',
        name: 'a',
        phase: 'Running',
        labels: { app: 'a', team: 'shop' },
        annotations: { 'ambient.istio.io/redirection': 'enabled' },
        containers: [{ name: 'app', image: 'shop/app:1' }],
        initContainers: [],
      },
    ]);
    expect(builder.skipped).toEqual({ pods: 2 });
  });

  it('names the Deployment behind a ReplicaSet only when the Deployment was listed', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    const owned = (name: string, replicaSet: string, hash: string) =>
      pod(name, {
        labels: { 'pod-template-hash': hash },
        ownerReferences: [
          { kind: 'ReplicaSet', name: replicaSet, controller: true },
        ],
      });
    builder.addItems('pods', [
      owned('web-7d9f8-abcde', 'web-7d9f8', '7d9f8'),
      owned('batch-5c6b7-fghij', 'batch-5c6b7', '5c6b7'),
    ]);
    builder.addItems('deployments.apps', [
      { metadata: { name: 'web', namespace: 'shop' }, spec: { template: {} } },
    ]);
    const snapshot = builder.build();
    expect(snapshot.pods.map(p => p.owner)).toEqual([
      { kind: 'Deployment', name: 'web' },
      { kind: 'ReplicaSet', name: 'batch-5c6b7' },
    ]);
  });

  it('drops what a restarted list kept, so nothing is counted twice', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    builder.addItems('pods', [pod('a'), pod('b')]);
    builder.restart('pods');
    builder.addItems('pods', [pod('a'), pod('b'), pod('c')]);
    expect(builder.build().pods.map(p => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('records kinds that are not installed and answers an empty list for them', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    builder.markNotInstalled('servers.policy.linkerd.io');
    const snapshot = builder.build();
    expect(snapshot.kinds).toEqual({
      'servers.policy.linkerd.io': 'not-installed',
    });
    expect(snapshot.linkerd.servers).toEqual([]);
    // Without a DaemonSet list nothing is claimed about the CNI.
    expect(snapshot.istio.cni).toBeUndefined();
  });

  it('reads the version of every istiod revision from its image', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    const istiod = (
      name: string,
      revision: string | undefined,
      image: string,
    ) => ({
      metadata: {
        name,
        namespace: 'istio-system',
        labels: {
          app: 'istiod',
          ...(revision ? { 'istio.io/rev': revision } : {}),
        },
      },
      spec: {
        template: { spec: { containers: [{ name: 'discovery', image }] } },
      },
    });
    builder.addItems('deployments.apps', [
      istiod('istiod', undefined, 'docker.io/istio/pilot:1.27.1-distroless'),
      istiod(
        'istiod-canary',
        'canary',
        'docker.io/istio/pilot:1.28.0@sha256:abc',
      ),
    ]);
    expect(builder.build().istio.controlPlane).toEqual({
      version: '1.27.1',
      revisions: [
        { revision: 'canary', version: '1.28.0' },
        { revision: 'default', version: '1.27.1' },
      ],
    });
  });

  it('keeps when a PeerAuthentication was created (Istio applies the older of two)', () => {
    const builder = new ClusterSnapshotBuilder({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    builder.addItems('peerauthentications.security.istio.io', [
      {
        metadata: {
          name: 'default',
          namespace: 'shop',
          creationTimestamp: '2026-06-01T00:00:00Z',
        },
        spec: { mtls: { mode: 'STRICT' } },
      },
      {
        metadata: {
          name: 'odd',
          namespace: 'shop',
          creationTimestamp: 'yesterday',
        },
        spec: { mtls: { mode: 'SOMETIMES' } },
      },
    ]);
    const snapshot = builder.build();
    expect(clusterSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.istio.peerAuthentications).toEqual([
      {
        namespace: 'shop',
        name: 'default',
        mode: 'STRICT',
        createdAt: '2026-06-01T00:00:00Z',
      },
      { namespace: 'shop', name: 'odd' },
    ]);
  });
});

describe('imageVersion', () => {
  it.each([
    ['registry.istio.io/release/pilot:1.1.4', '1.1.4'],
    ['localhost:5000/istio/proxyv2:1.24.0-debug', '1.24.0'],
    ['localhost:5000/istio/proxyv2', undefined],
    ['gcr.io/istio-testing/proxyv2:latest', undefined],
    ['docker.io/istio/proxyv2@sha256:0123', undefined],
  ])('%s → %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});
