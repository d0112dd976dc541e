import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  meshReadinessEvidenceExtensionPoint,
  type ClusterEvidenceSource,
  type MeshReadinessEvidenceExtensionPoint,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import {
  meshTestCluster,
  startKubernetesApiTestServer,
  type KubernetesApiTestServer,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import meshReadinessModuleKubernetes from './index';
import type { KubernetesClusterEvidenceSource } from './KubernetesClusterEvidenceSource';

/** Starts the module alone, recording what it adds to the extension point. */
async function startModule(data: object) {
  const sources: ClusterEvidenceSource[] = [];
  const extensionPoint: MeshReadinessEvidenceExtensionPoint = {
    addEvidenceProvider: () => {
      throw new Error('the module adds a cluster source, not a provider');
    },
    addClusterEvidenceSource: (...added) => sources.push(...added),
    addTrafficEvidenceSource: () => {
      throw new Error('the module adds a cluster source, not a traffic one');
    },
  };
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    extensionPoints: [[meshReadinessEvidenceExtensionPoint, extensionPoint]],
    features: [
      meshReadinessModuleKubernetes,
      mockServices.rootConfig.factory({ data }),
      logger.factory,
    ],
  });
  return { backend, sources, logger };
}

function kubernetesConfig(clusters: object[]) {
  return {
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [{ type: 'config', clusters }],
    },
  };
}

// Several HTTPS clusters listed in full; generous on a loaded machine.
jest.setTimeout(30_000);

describe('meshReadinessModuleKubernetes', () => {
  const servers: KubernetesApiTestServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.close()));
  });

  async function startCluster(token: string, faults?: object) {
    const server = await startKubernetesApiTestServer({
      objects: meshTestCluster(),
      token,
      ...(faults ? { faults } : {}),
    });
    servers.push(server);
    return server;
  }

  it('adds nothing and warns about nothing when no cluster is configured (the sample portal)', async () => {
    const { backend, sources, logger } = await startModule(
      kubernetesConfig([]),
    );
    expect(sources).toEqual([]);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.error).not.toHaveBeenCalled();
    await backend.stop();
  });

  it('pulls every configured cluster with its service account token and CA, and one failing cluster fails alone', async () => {
    const prod = await startCluster('prod-token');
    const staging = await startCluster('staging-token', {
      status: [{ path: '/api/v1/pods', code: 403 }],
    });
    const { backend, sources } = await startModule({
      ...kubernetesConfig([
        {
          name: 'prod-eu',
          url: prod.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'prod-token',
          caData: prod.caData,
        },
        {
          name: 'staging',
          url: staging.url,
          authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
          serviceAccountToken: 'staging-token',
          caData: staging.caData,
        },
        {
          name: 'gke-dev',
          url: 'https://127.0.0.1:1',
          authProvider: 'google',
        },
      ]),
      meshReadiness: {
        evidence: { kubernetes: { pageSize: 4, concurrency: 2 } },
      },
    });
    expect(sources).toHaveLength(1);
    const source = sources[0] as KubernetesClusterEvidenceSource;
    expect(source.id).toBe('kubernetes');

    const readings = await source.readClusters({});
    expect(readings.map(r => [r.cluster, r.mode, r.status])).toEqual([
      ['prod-eu', 'pull', 'ok'],
      ['staging', 'pull', 'failed'],
      ['gke-dev', 'pull', 'failed'],
    ]);
    const [prodReading, stagingReading, gkeReading] = readings;
    if (prodReading.status !== 'ok') throw new Error('prod-eu should answer');
    expect(prodReading.snapshot.cluster).toBe('prod-eu');
    expect(prodReading.snapshot.pods.length).toBeGreaterThan(5);
    expect(stagingReading).toMatchObject({
      reason: expect.stringMatching(/^staging: 403 Forbidden listing pods/),
    });
    expect(gkeReading).toMatchObject({
      reason:
        "gke-dev: auth provider 'google' is not supported for cluster evidence (supported: serviceAccount, localKubectlProxy)",
    });

    // Paged lists with the configured page size, never one call per entity.
    expect(prod.requests.every(r => r.limit === 4 && r.bearerToken)).toBe(true);
    const prodStats = source.lastRun[0];
    expect(prodStats.requests).toBe(prod.requests.length);
    expect(prodStats.requestsPerKind.namespaces).toBe(2);
    await backend.stop();
  });

  it('gives a slow cluster its time limit and answers failed with the reason', async () => {
    const slow = await startCluster('slow-token', {
      delay: { path: '/api/v1/namespaces', ms: 3_000 },
    });
    const { backend, sources } = await startModule({
      ...kubernetesConfig([
        {
          name: 'prod-us',
          url: slow.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'slow-token',
          caData: slow.caData,
        },
      ]),
      meshReadiness: {
        evidence: { kubernetes: { timeout: { milliseconds: 300 } } },
      },
    });
    const [reading] = await sources[0].readClusters({});
    expect(reading).toEqual({
      cluster: 'prod-us',
      mode: 'pull',
      status: 'failed',
      reason: 'prod-us: timed out listing namespaces (time limit 300 ms)',
    });
    await backend.stop();
  });

  it('refuses a bad setting naming the key', async () => {
    await expect(
      startModule({
        ...kubernetesConfig([]),
        meshReadiness: { evidence: { kubernetes: { pageSize: 0 } } },
      }),
    ).rejects.toThrow(
      'meshReadiness.evidence.kubernetes.pageSize must be a whole number from 1 to 10000, got 0',
    );
  });

  it('refuses two clusters of one name, as the Kubernetes plugin does', async () => {
    await expect(
      startModule(
        kubernetesConfig([
          { name: 'a', url: 'https://a', authProvider: 'serviceAccount' },
          { name: 'a', url: 'https://b', authProvider: 'serviceAccount' },
        ]),
      ),
    ).rejects.toThrow("Duplicate cluster name 'a'");
  });
});
