import { resolve } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import meshReadinessPlugin from '@mesh-readiness/plugin-mesh-readiness-backend';
import { meshReadinessModuleSampleClusterEvidence } from './sampleClusterEvidence';

jest.setTimeout(60_000);

/** The sample organisation's recordings, as app-config.yaml names them. */
const CLUSTER_DUMPS = resolve(__dirname, '../../../../examples/clusters');

async function clustersOf(baseUrl: string) {
  const res = await fetch(`${baseUrl}/api/mesh-readiness/evidence/clusters`, {
    headers: { authorization: 'Bearer mock-user-token' },
  });
  expect(res.status).toBe(200);
  return (await res.json()).items as Array<{
    cluster: string;
    mode: string;
    status: string;
    observedAt?: string;
    collector?: { name: string };
    objects: Record<string, number>;
  }>;
}

describe('meshReadinessModuleSampleClusterEvidence', () => {
  it('pushes each recorded cluster through the plugin push endpoint', async () => {
    // The real plugin and its push endpoint; the test runs the module's
    // scheduled task itself once the backend listens.
    const scheduler = mockServices.scheduler.mock();
    const backend = await startTestBackend({
      features: [
        meshReadinessPlugin,
        meshReadinessModuleSampleClusterEvidence,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            meshReadiness: { evaluation: { enabled: false } },
            meshReadinessSample: { clusterDumps: CLUSTER_DUMPS },
          },
        }),
      ],
    });
    try {
      const { port } = backend.server.address() as { port: number };
      const baseUrl = `http://localhost:${port}`;
      expect(await clustersOf(baseUrl)).toEqual([]);
      const task = scheduler.scheduleTask.mock.calls
        .map(([scheduled]) => scheduled)
        .find(
          scheduled =>
            scheduled.id === 'mesh-readiness-sample-cluster-evidence',
        );
      expect(task?.frequency).toEqual({ hours: 6 });
      await task!.fn(new AbortController().signal);
      const clusters = await clustersOf(baseUrl);
      expect(clusters.map(c => [c.cluster, c.mode, c.status])).toEqual([
        ['identity-eu', 'push', 'ok'],
        ['prod-eu', 'push', 'ok'],
      ]);
      const prodEu = clusters.find(c => c.cluster === 'prod-eu')!;
      expect(prodEu.collector?.name).toBe(
        'sample-portal recorded cluster state',
      );
      expect(Date.now() - Date.parse(prodEu.observedAt!)).toBeLessThan(60_000);
    } finally {
      await backend.stop();
    }
  });
});
