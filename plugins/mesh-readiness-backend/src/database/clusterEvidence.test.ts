import type { Knex } from 'knex';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseStore, migrateDatabase } from './DatabaseStore';
import type { ClusterEvidenceWrite } from './Store';

jest.setTimeout(60_000);

function bundleWrite(
  cluster: string,
  collectedAt: string,
  content = `{"cluster":"${cluster}","collectedAt":"${collectedAt}"}`,
  mode: 'push' | 'pull' = 'push',
): ClusterEvidenceWrite {
  return {
    cluster,
    mode,
    status: 'ok',
    collectedAt,
    receivedAt: '2026-12-02T10:00:00.000Z',
    collector: { name: 'mesh-readiness collect', version: '0.1.0' },
    schemaVersion: 1,
    contentDigest: `digest-of-${content.length}-${collectedAt}`,
    sizeBytes: content.length,
    objectCounts: { pods: 3, services: 1 },
    bundle: gzipSync(content),
  };
}

describe('DatabaseStore: cluster evidence', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      store = new DatabaseStore(knex);
    });

    beforeEach(async () => {
      await knex('mesh_readiness_cluster_evidence').delete();
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('stores a bundle and lists it without the bytes, then reads the bytes back', async () => {
      const write = bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z');
      expect(await store.putClusterEvidence(write)).toEqual({ stored: true });

      const listed = await store.listClusterEvidence();
      expect(listed).toEqual([
        {
          cluster: 'prod-eu',
          mode: 'push',
          status: 'ok',
          collectedAt: '2026-12-02T09:00:00.000Z',
          receivedAt: '2026-12-02T10:00:00.000Z',
          collector: { name: 'mesh-readiness collect', version: '0.1.0' },
          schemaVersion: 1,
          contentDigest: write.contentDigest,
          sizeBytes: write.sizeBytes,
          objectCounts: { pods: 3, services: 1 },
        },
      ]);
      const [read] = await store.getClusterEvidenceBundles([
        { cluster: 'prod-eu', mode: 'push' },
      ]);
      expect(gunzipSync(read.bundle).toString()).toBe(
        '{"cluster":"prod-eu","collectedAt":"2026-12-02T09:00:00.000Z"}',
      );
    });

    it('replaces a bundle by a later one and refuses an older one, keeping the stored one', async () => {
      await store.putClusterEvidence(
        bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z'),
      );
      expect(
        await store.putClusterEvidence(
          bundleWrite('prod-eu', '2026-12-02T09:30:00.000Z'),
        ),
      ).toEqual({ stored: true });
      expect(
        await store.putClusterEvidence(
          bundleWrite('prod-eu', '2026-12-02T08:00:00.000Z'),
        ),
      ).toEqual({
        stored: false,
        storedCollectedAt: '2026-12-02T09:30:00.000Z',
      });
      const [row] = await store.listClusterEvidence();
      expect(row.collectedAt).toBe('2026-12-02T09:30:00.000Z');
    });

    it('accepts the identical bundle again but not other content collected at the same time', async () => {
      const write = bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z');
      await store.putClusterEvidence(write);
      expect(
        await store.putClusterEvidence({
          ...write,
          receivedAt: '2026-12-02T10:05:00.000Z',
        }),
      ).toEqual({ stored: true });
      expect(
        await store.putClusterEvidence(
          bundleWrite(
            'prod-eu',
            '2026-12-02T09:00:00.000Z',
            '{"cluster":"prod-eu","other":true}',
          ),
        ),
      ).toEqual({
        stored: false,
        storedCollectedAt: '2026-12-02T09:00:00.000Z',
      });
      const [read] = await store.getClusterEvidenceBundles([
        { cluster: 'prod-eu', mode: 'push' },
      ]);
      expect(gunzipSync(read.bundle).toString()).toContain('collectedAt');
    });

    it('keeps one row per cluster and mode', async () => {
      await store.putClusterEvidence(
        bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z'),
      );
      await store.putClusterEvidence(
        bundleWrite(
          'prod-eu',
          '2026-12-02T09:10:00.000Z',
          '{"pulled":true}',
          'pull',
        ),
      );
      await store.putClusterEvidence(
        bundleWrite('dev', '2026-12-02T09:00:00.000Z'),
      );
      expect(
        (await store.listClusterEvidence()).map(r => [r.cluster, r.mode]),
      ).toEqual([
        ['dev', 'push'],
        ['prod-eu', 'pull'],
        ['prod-eu', 'push'],
      ]);
      const bundles = await store.getClusterEvidenceBundles([
        { cluster: 'prod-eu', mode: 'pull' },
        { cluster: 'dev', mode: 'push' },
      ]);
      expect(bundles.map(b => [b.cluster, b.mode]).sort()).toEqual([
        ['dev', 'push'],
        ['prod-eu', 'pull'],
      ]);
    });

    it('records read outcomes without touching the last good bundle', async () => {
      await store.putClusterEvidence(
        bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z', '{}', 'pull'),
      );
      await store.setClusterEvidenceStatus([
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'failed',
          reason: 'connect ECONNREFUSED',
          receivedAt: '2026-12-02T11:00:00.000Z',
        },
        {
          cluster: 'never-read',
          mode: 'pull',
          status: 'failed',
          reason: '401 Unauthorized',
          receivedAt: '2026-12-02T11:00:00.000Z',
        },
      ]);
      const listed = await store.listClusterEvidence();
      expect(listed).toEqual([
        {
          cluster: 'never-read',
          mode: 'pull',
          status: 'failed',
          reason: '401 Unauthorized',
          receivedAt: '2026-12-02T11:00:00.000Z',
        },
        expect.objectContaining({
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'failed',
          reason: 'connect ECONNREFUSED',
          collectedAt: '2026-12-02T09:00:00.000Z',
          receivedAt: '2026-12-02T11:00:00.000Z',
        }),
      ]);
      expect(
        await store.getClusterEvidenceBundles([
          { cluster: 'prod-eu', mode: 'pull' },
          { cluster: 'never-read', mode: 'pull' },
        ]),
      ).toHaveLength(1);

      // A good read of a cluster never read well stores its first bundle.
      expect(
        await store.putClusterEvidence(
          bundleWrite('never-read', '2026-12-02T11:05:00.000Z', '{}', 'pull'),
        ),
      ).toEqual({ stored: true });
      await store.setClusterEvidenceStatus([
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'ok',
          receivedAt: '2026-12-02T11:10:00.000Z',
        },
      ]);
      const after = await store.listClusterEvidence();
      expect(after.map(r => [r.cluster, r.status, r.reason])).toEqual([
        ['never-read', 'ok', undefined],
        ['prod-eu', 'ok', undefined],
      ]);
    });

    it('moves the collection time of a stored bundle seen again unchanged, never of a row without one', async () => {
      await store.putClusterEvidence(
        bundleWrite('prod-eu', '2026-12-02T09:00:00.000Z', '{}', 'pull'),
      );
      await store.setClusterEvidenceStatus([
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'ok',
          receivedAt: '2026-12-02T10:00:00.000Z',
          collectedAt: '2026-12-02T09:59:00.000Z',
        },
        {
          cluster: 'unread',
          mode: 'pull',
          status: 'ok',
          receivedAt: '2026-12-02T10:00:00.000Z',
          collectedAt: '2026-12-02T09:59:00.000Z',
        },
      ]);
      await store.setClusterEvidenceStatus([
        {
          cluster: 'unread',
          mode: 'pull',
          status: 'ok',
          receivedAt: '2026-12-02T10:30:00.000Z',
          collectedAt: '2026-12-02T10:29:00.000Z',
        },
      ]);
      const rows = await store.listClusterEvidence();
      expect(rows.map(r => [r.cluster, r.collectedAt, r.receivedAt])).toEqual([
        ['prod-eu', '2026-12-02T09:59:00.000Z', '2026-12-02T10:00:00.000Z'],
        ['unread', undefined, '2026-12-02T10:30:00.000Z'],
      ]);
    });
  });
});
