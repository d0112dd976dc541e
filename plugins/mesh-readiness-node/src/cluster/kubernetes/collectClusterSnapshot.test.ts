import { clusterSnapshotSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  meshTestCluster,
  startKubernetesApiTestServer,
  type KubernetesApiTestServer,
  type KubernetesApiTestServerOptions,
} from '../../testUtils';
import {
  ClusterCollectionError,
  collectClusterSnapshot,
} from './collectClusterSnapshot';
import { kubeConfigFor } from './kubeConfigFor';
import { LISTED_KINDS } from './listedKinds';

const TOKEN = 'collector-token';

// Every kind listed in full over HTTPS; generous on a loaded machine.
jest.setTimeout(30_000);

describe('collectClusterSnapshot', () => {
  let server: KubernetesApiTestServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<KubernetesApiTestServerOptions> = {}) {
    server = await startKubernetesApiTestServer({
      objects: meshTestCluster(),
      token: TOKEN,
      ...options,
    });
    return kubeConfigFor({
      name: 'prod-eu',
      server: server.url,
      caData: server.caData,
      token: TOKEN,
    });
  }

  it('lists every kind in pages with the production client and keeps only what the checks read', async () => {
    const kubeConfig = await start();
    const { snapshot, stats, requests } = await collectClusterSnapshot(
      kubeConfig,
      { cluster: 'prod-eu', pageSize: 3 },
    );

    expect(clusterSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.cluster).toBe('prod-eu');
    expect(Object.keys(snapshot.kinds).sort()).toEqual(
      LISTED_KINDS.map(kind => kind.id).sort(),
    );
    expect(snapshot.kinds.pods).toBe('listed');

    // Paging: every request asked for 3 objects, pods needed several pages.
    expect(server!.requests.every(r => r.limit === 3 && r.bearerToken)).toBe(
      true,
    );
    const podRequests = server!.requests.filter(r => r.path === '/api/v1/pods');
    expect(podRequests.length).toBe(Math.ceil(snapshot.pods.length / 3));
    expect(podRequests.slice(1).every(r => r.continueToken)).toBe(true);
    expect(stats.pods.requests).toBe(podRequests.length);
    expect(requests).toBe(server!.requests.length);

    // Istio sidecar pod from the injector's output, owner resolved through
    // its ReplicaSet, annotations reduced to the mesh's own.
    const helloPod = snapshot.pods.find(
      pod =>
        pod.namespace === 'shop' &&
        pod.owner?.kind === 'Deployment' &&
        pod.owner.name === 'hello',
    )!;
    expect(helloPod.owner).toEqual({ kind: 'Deployment', name: 'hello' });
    // At the cited commit Istio injects istio-proxy as a native sidecar.
    expect(helloPod.containers.map(c => c.name)).toEqual(['hello']);
    expect(helloPod.initContainers).toContainEqual(
      expect.objectContaining({ name: 'istio-proxy', restartPolicy: 'Always' }),
    );
    const classicPod = snapshot.pods.find(
      pod => pod.owner?.name === 'hello-classic',
    )!;
    expect(classicPod.containers.map(c => c.name)).toEqual([
      'hello',
      'istio-proxy',
    ]);
    expect(helloPod.annotations['sidecar.istio.io/status']).toContain(
      'istio-proxy',
    );
    expect(helloPod.phase).toBe('Running');
    expect(helloPod.labels['pod-template-hash']).toBeDefined();

    // Native sidecar: istio-proxy in initContainers with restartPolicy Always.
    const nativePod = snapshot.pods.find(
      pod => pod.name === 'hello' && pod.namespace === 'shop',
    )!;
    expect(nativePod.initContainers).toContainEqual(
      expect.objectContaining({ name: 'istio-proxy', restartPolicy: 'Always' }),
    );

    // Ambient pods carry the CNI's annotation; the un-injected one has no proxy.
    const ambientPod = snapshot.pods.find(pod => pod.namespace === 'ambient')!;
    expect(ambientPod.annotations['ambient.istio.io/redirection']).toBe(
      'enabled',
    );
    const legacyPod = snapshot.pods.find(pod => pod.owner?.name === 'legacy')!;
    expect(legacyPod.containers.map(c => c.name)).toEqual(['hello']);

    // Linkerd proxy with its version annotation.
    const webPod = snapshot.pods.find(pod => pod.namespace === 'emojivoto')!;
    expect(webPod.initContainers).toContainEqual(
      expect.objectContaining({
        name: 'linkerd-proxy',
        restartPolicy: 'Always',
      }),
    );
    expect(webPod.annotations['linkerd.io/proxy-version']).toBe(
      'test-inject-proxy-version',
    );

    // Control planes and CNI.
    expect(snapshot.istio.controlPlane).toEqual({
      version: '1.1.4',
      revisions: [{ revision: 'default', version: '1.1.4' }],
    });
    expect(snapshot.istio.cni).toBe(true);
    expect(snapshot.linkerd.cni).toBe(false);
    expect(snapshot.linkerd.controlPlane).toEqual({
      version: 'install-proxy-version',
    });

    // Policies and routes with their status.
    expect(snapshot.istio.peerAuthentications).toEqual([
      {
        namespace: 'shop',
        name: 'default',
        mode: 'STRICT',
        portLevelMtls: { '8080': 'PERMISSIVE' },
      },
    ]);
    expect(snapshot.istio.authorizationPolicies).toContainEqual(
      expect.objectContaining({
        name: 'deny-all-dry-run',
        action: 'ALLOW',
        dryRun: true,
        rules: 0,
      }),
    );
    expect(snapshot.gateways).toEqual([
      expect.objectContaining({
        name: 'waypoint',
        gatewayClassName: 'istio-waypoint',
        labels: { 'istio.io/waypoint-for': 'service' },
      }),
    ]);
    const grpcRoute = snapshot.routes.find(
      route => route.kind === 'GRPCRoute',
    )!;
    expect(grpcRoute.parents[0].conditions[0]).toEqual(
      expect.objectContaining({
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
      }),
    );
    expect(snapshot.linkerd.servers).toEqual([
      expect.objectContaining({
        name: 'web-http',
        port: 'http',
        accessPolicy: 'deny',
      }),
    ]);
    expect(
      snapshot.linkerd.authorizationPolicies[0].requiredAuthenticationRefs[0]
        .name,
    ).toBe('web-clients');
    expect(snapshot.linkerd.meshTlsAuthentications[0].identityRefs).toEqual([
      { kind: 'ServiceAccount', name: 'voting' },
    ]);

    // Namespaces keep only mesh labels.
    expect(snapshot.namespaces.find(ns => ns.name === 'shop')!.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it('counts one list request per kind when a page holds everything', async () => {
    const kubeConfig = await start();
    const { stats } = await collectClusterSnapshot(kubeConfig, {
      cluster: 'prod-eu',
      pageSize: 500,
    });
    for (const kind of LISTED_KINDS) {
      expect(stats[kind.id].requests).toBe(1);
    }
  });

  it('starts a list over when its continue token expired (410 Gone), and counts it', async () => {
    const kubeConfig = await start({
      faults: { expireContinueTokens: { path: '/api/v1/pods', times: 1 } },
    });
    const { snapshot, stats } = await collectClusterSnapshot(kubeConfig, {
      cluster: 'prod-eu',
      pageSize: 4,
    });
    const complete = await collectClusterSnapshot(kubeConfig, {
      cluster: 'prod-eu',
      pageSize: 4,
    });
    expect(stats.pods.restarts).toBe(1);
    expect(server!.requests.some(r => r.status === 410)).toBe(true);
    // Nothing of the expired attempt is kept twice.
    expect(snapshot.pods.map(p => p.name)).toEqual(
      complete.snapshot.pods.map(p => p.name),
    );
  });

  it('gives up after the restarts it is allowed', async () => {
    const kubeConfig = await start({
      faults: { expireContinueTokens: { path: '/api/v1/pods', times: 10 } },
    });
    await expect(
      collectClusterSnapshot(kubeConfig, {
        cluster: 'prod-eu',
        pageSize: 4,
        maxRestarts: 2,
      }),
    ).rejects.toThrow(
      'prod-eu: 410 Gone listing pods (its continue token expired 3 times in a row)',
    );
    expect(server!.requests.filter(r => r.status === 410)).toHaveLength(3);
  });

  it('records a custom resource whose CRD is not installed as not installed', async () => {
    const objects = meshTestCluster().filter(
      object => !object.apiVersion.startsWith('policy.linkerd.io/'),
    );
    const kubeConfig = await start({ objects });
    const { snapshot, stats } = await collectClusterSnapshot(kubeConfig, {
      cluster: 'prod-eu',
    });
    expect(snapshot.kinds['servers.policy.linkerd.io']).toBe('not-installed');
    expect(snapshot.kinds['meshtlsauthentications.policy.linkerd.io']).toBe(
      'not-installed',
    );
    expect(snapshot.kinds.pods).toBe('listed');
    expect(stats['servers.policy.linkerd.io'].notInstalled).toBe(true);
    expect(snapshot.linkerd.servers).toEqual([]);
  });

  it('fails the cluster with the status when the token is refused (401)', async () => {
    await start();
    const wrong = kubeConfigFor({
      name: 'prod-eu',
      server: server!.url,
      caData: server!.caData,
      token: 'stale',
    });
    const failure = collectClusterSnapshot(wrong, { cluster: 'prod-eu' });
    await expect(failure).rejects.toThrow(ClusterCollectionError);
    await expect(failure).rejects.toThrow(
      'prod-eu: 401 Unauthorized listing namespaces',
    );
  });

  it('fails the cluster naming the forbidden kind (403)', async () => {
    const kubeConfig = await start({
      faults: { status: [{ path: '/api/v1/pods', code: 403 }] },
    });
    await expect(
      collectClusterSnapshot(kubeConfig, { cluster: 'prod-eu' }),
    ).rejects.toThrow(
      'prod-eu: 403 Forbidden listing pods (pods is forbidden: User "system:serviceaccount:mesh-readiness:collector" cannot list resource "pods" in API group "" at the cluster scope)',
    );
  });

  it('treats a 404 on a built-in kind as a fault, not as not installed', async () => {
    const kubeConfig = await start({
      faults: { status: [{ path: '/apis/apps/v1/deployments', code: 404 }] },
    });
    await expect(
      collectClusterSnapshot(kubeConfig, { cluster: 'prod-eu' }),
    ).rejects.toThrow('prod-eu: 404 Not Found listing deployments.apps');
  });

  it('stops a slow cluster at its timeout', async () => {
    const kubeConfig = await start({
      faults: { delay: { path: '/api/v1/namespaces', ms: 5_000 } },
    });
    const started = Date.now();
    await expect(
      collectClusterSnapshot(kubeConfig, {
        cluster: 'prod-eu',
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow('prod-eu: timed out listing namespaces');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('stops when the run is aborted', async () => {
    const kubeConfig = await start({
      faults: { delay: { path: '/api/v1/services', ms: 5_000 } },
    });
    const controller = new AbortController();
    // Cancel the run while the services list is under way.
    const watcher = setInterval(() => {
      if (server!.requests.some(r => r.path === '/api/v1/services')) {
        controller.abort(new Error('run cancelled'));
      }
    }, 10);
    try {
      await expect(
        collectClusterSnapshot(kubeConfig, {
          cluster: 'prod-eu',
          signal: controller.signal,
        }),
      ).rejects.toThrow('prod-eu: run cancelled listing services');
    } finally {
      clearInterval(watcher);
    }
  });

  it('fails with the connection error when the cluster is unreachable', async () => {
    await start();
    const { url, caData } = server!;
    await server!.close();
    server = undefined;
    await expect(
      collectClusterSnapshot(
        kubeConfigFor({ name: 'prod-eu', server: url, caData, token: TOKEN }),
        {
          cluster: 'prod-eu',
        },
      ),
    ).rejects.toThrow('prod-eu: ECONNREFUSED listing namespaces');
  });
});
