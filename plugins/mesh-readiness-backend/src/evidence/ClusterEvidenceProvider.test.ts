import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  computeFactsHash,
  type ClusterReading,
  type EntityFacts,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  ClusterEvidenceSource,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import {
  clusterSnapshot,
  evidenceBundle,
  snapshotPod,
} from '../__testUtils__/clusterBundles';
import { createTestDatabases } from '../__testUtils__/databases';
import type { ClusterEvidenceSettings } from './ClusterEvidenceConfig';
import { ClusterEvidenceProvider } from './ClusterEvidenceProvider';
import { PushedEvidenceStore } from './PushedEvidenceStore';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const settings: ClusterEvidenceSettings = {
  maxAgeMs: { pull: HOUR, push: 24 * HOUR },
  push: { enabled: true, maxBundleBytes: 20 * 1024 * 1024 },
};
const program = {
  metadata: { name: 'istio-adoption', version: '1' },
} as Program;

function service(name: string, annotated = true): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: annotated ? { 'backstage.io/kubernetes-id': name } : {},
    },
    spec: { type: 'service', owner: 'group:default/shop' },
  };
}

/** A module's clusters whose answers the test sets, read per run. */
class ScriptedClusters implements ClusterEvidenceSource {
  readonly id = 'kubernetes';
  answer: () => ClusterReading[] = () => [];
  reads = 0;
  async readClusters(): Promise<ClusterReading[]> {
    this.reads += 1;
    return this.answer();
  }
}

describe('ClusterEvidenceProvider', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseStore;
    let now: Date;
    let clusters: ScriptedClusters;

    const providerOf = (sources: ClusterEvidenceSource[] = [clusters]) =>
      new ClusterEvidenceProvider({
        sources,
        bundles: new PushedEvidenceStore(store, () => now),
        store,
        settings,
        logger: mockServices.logger.mock(),
        clock: () => now,
      });
    const collect = (provider: ClusterEvidenceProvider, name: string) =>
      provider.collect(service(name), {
        entityRef: `component:default/${name}`,
        program,
      });
    const pulled = (
      cluster: string,
      observedAt: string,
      pods = [snapshotPod('svc-a', 'svc-a-1'), snapshotPod('svc-b', 'svc-b-1')],
    ): ClusterReading => ({
      cluster,
      mode: 'pull',
      status: 'ok',
      snapshot: clusterSnapshot(cluster, observedAt, pods),
    });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      store = new DatabaseStore(knex);
    });

    beforeEach(async () => {
      await knex('mesh_readiness_cluster_evidence').delete();
      now = new Date('2026-12-02T12:00:00.000Z');
      clusters = new ScriptedClusters();
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('is not connected for an entity without kubernetes annotations, nor before any cluster was read', async () => {
      const provider = providerOf();
      await provider.prepareRun({});
      expect(await collect(provider, 'svc-a')).toEqual({
        status: 'not-connected',
        reason: 'no cluster has been read or has pushed evidence yet',
      });
      clusters.answer = () => [pulled('prod-eu', now.toISOString())];
      await provider.prepareRun({});
      const unannotated = await provider.collect(service('lib', false), {
        entityRef: 'component:default/lib',
        program,
      });
      expect(unannotated.status).toBe('not-connected');
    });

    it("joins a fresh pulled cluster's pods to the entity, with where and when they were observed", async () => {
      clusters.answer = () => [pulled('prod-eu', '2026-12-02T11:55:00.000Z')];
      const provider = providerOf();
      await provider.prepareRun({});
      const result = await collect(provider, 'svc-a');
      expect(result.status).toBe('ok');
      const ok = result as Extract<EvidenceResult, { status: 'ok' }>;
      expect(ok.fetchedAt).toBe('2026-12-02T11:55:00.000Z');
      expect(ok.facts.cluster).toMatchObject({
        clusters: [
          {
            name: 'prod-eu',
            mode: 'pull',
            observedAt: '2026-12-02T11:55:00.000Z',
          },
        ],
        pods: [{ cluster: 'prod-eu', namespace: 'shop', name: 'svc-a-1' }],
      });
      // The last good snapshot is kept in the database.
      const [row] = await store.listClusterEvidence();
      expect(row).toMatchObject({
        cluster: 'prod-eu',
        mode: 'pull',
        status: 'ok',
        collectedAt: '2026-12-02T11:55:00.000Z',
        objectCounts: { pods: 2 },
      });
    });

    it('reads each source once per run, whatever the number of entities', async () => {
      clusters.answer = () => [pulled('prod-eu', now.toISOString())];
      const provider = providerOf();
      await provider.prepareRun({});
      for (const name of ['svc-a', 'svc-b', 'svc-c', 'svc-d']) {
        await collect(provider, name);
      }
      expect(clusters.reads).toBe(1);
    });

    it('gives the same facts hash when a cluster is read again unchanged, and moves only its times in the database', async () => {
      clusters.answer = () => [pulled('prod-eu', '2026-12-02T11:55:00.000Z')];
      const provider = providerOf();
      await provider.prepareRun({});
      const first = await collect(provider, 'svc-a');
      const digest = (await store.listClusterEvidence())[0].contentDigest;

      now = new Date('2026-12-02T12:30:00.000Z');
      clusters.answer = () => [pulled('prod-eu', '2026-12-02T12:25:00.000Z')];
      await provider.prepareRun({});
      const again = await collect(provider, 'svc-a');
      const factsOf = (result: EvidenceResult): EntityFacts => ({
        entity: service('svc-a') as EntityFacts['entity'],
        sources: {
          cluster: {
            status: 'ok',
            fetchedAt: (result as { fetchedAt?: string }).fetchedAt,
          },
        },
        cluster: (result as Extract<EvidenceResult, { status: 'ok' }>).facts
          .cluster,
        attestations: [],
        waivers: [],
        now: now.toISOString(),
      });
      const realProgram = {
        ...program,
        spec: { checks: [], checklist: [] },
      } as unknown as Program;
      expect(computeFactsHash(realProgram, factsOf(again))).toBe(
        computeFactsHash(realProgram, factsOf(first)),
      );
      const [row] = await store.listClusterEvidence();
      expect(row.contentDigest).toBe(digest);
      expect(row.collectedAt).toBe('2026-12-02T12:25:00.000Z');
      expect(row.receivedAt).toBe('2026-12-02T12:30:00.000Z');
    });

    it('judges by pushed bundles as by pulled clusters, and fails them when older than maxAge', async () => {
      const bundles = new PushedEvidenceStore(store, () => now);
      await bundles.accept(
        'edge',
        evidenceBundle('edge', '2026-12-02T06:00:00.000Z'),
      );
      const provider = providerOf([]);
      await provider.prepareRun({});
      const fresh = await collect(provider, 'svc-a');
      expect(fresh).toMatchObject({
        status: 'ok',
        facts: {
          cluster: {
            clusters: [{ name: 'edge', mode: 'push' }],
            pods: [{ name: 'svc-a-7d9f-abcde' }],
          },
        },
      });

      now = new Date('2026-12-05T06:00:00.000Z');
      await provider.prepareRun({});
      const stale = await collect(provider, 'svc-a');
      expect(stale.status).toBe('failed');
      expect((stale as { reason: string }).reason).toMatch(
        /^cluster evidence from edge is 3 days old/,
      );
    });

    it('fails only the entities of a failing cluster, by its last good snapshot, also after a restart', async () => {
      clusters.answer = () => [
        pulled('prod-eu', now.toISOString(), [snapshotPod('svc-a', 'svc-a-1')]),
        pulled('prod-us', now.toISOString(), [snapshotPod('svc-b', 'svc-b-1')]),
      ];
      const provider = providerOf();
      await provider.prepareRun({});
      expect((await collect(provider, 'svc-a')).status).toBe('ok');

      now = new Date(now.getTime() + 30 * 60 * 1000);
      clusters.answer = () => [
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'failed',
          reason: '401 Unauthorized',
        },
        pulled('prod-us', now.toISOString(), [snapshotPod('svc-b', 'svc-b-1')]),
      ];
      for (const current of [provider, providerOf()]) {
        // The second is a restarted backend: the last good snapshot of
        // prod-eu comes from the database.
        await current.prepareRun({});
        expect(await collect(current, 'svc-a')).toEqual({
          status: 'failed',
          reason: 'cluster prod-eu: 401 Unauthorized',
        });
        expect((await collect(current, 'svc-b')).status).toBe('ok');
      }
      const rows = await store.listClusterEvidence();
      expect(rows.find(r => r.cluster === 'prod-eu')).toMatchObject({
        status: 'failed',
        reason: '401 Unauthorized',
      });
    });

    it('fails the clusters a source answered for before when the whole source throws', async () => {
      clusters.answer = () => [
        pulled('prod-eu', now.toISOString(), [snapshotPod('svc-a', 'svc-a-1')]),
      ];
      const provider = providerOf();
      await provider.prepareRun({});
      clusters.answer = () => {
        throw new Error('kubeconfig unreadable');
      };
      await provider.prepareRun({});
      expect(await collect(provider, 'svc-a')).toEqual({
        status: 'failed',
        reason: 'cluster prod-eu: kubernetes failed: kubeconfig unreadable',
      });
    });

    it('tells when a push arrived after the last run read the bundles', async () => {
      const bundles = new PushedEvidenceStore(store, () => now);
      const provider = providerOf([]);
      await provider.prepareRun({});
      expect(await provider.pushedSinceLastRun()).toBe(false);
      await bundles.accept('edge', evidenceBundle('edge', now.toISOString()));
      expect(await provider.pushedSinceLastRun()).toBe(true);
      await provider.prepareRun({});
      expect(await provider.pushedSinceLastRun()).toBe(false);
    });
  });
});
