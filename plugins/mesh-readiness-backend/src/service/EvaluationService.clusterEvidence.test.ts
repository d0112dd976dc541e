/*
 * The evaluation run with the cluster provider: a cluster read again with
 * nothing changed re-evaluates nothing; a cluster that fails keeps the last
 * good scorecards of its entities, marked stale with the reason; a service
 * that runs in no cluster's annotations is judged without cluster evidence.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ClusterReading } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ClusterEvidenceSource } from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { CatalogEntityProvider } from '../evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import { ClusterEvidenceProvider } from '../evidence/ClusterEvidenceProvider';
import { PushedEvidenceStore } from '../evidence/PushedEvidenceStore';
import {
  defaultProgramPath,
  ProgramRegistry,
} from '../programs/ProgramRegistry';
import { clusterSnapshot, snapshotPod } from '../__testUtils__/clusterBundles';
import { createTestDatabases } from '../__testUtils__/databases';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(60_000);

function service(name: string, kubernetesId?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'mesh-readiness.io/mesh': 'istio',
        ...(kubernetesId ? { 'backstage.io/kubernetes-id': kubernetesId } : {}),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

class ScriptedClusters implements ClusterEvidenceSource {
  readonly id = 'kubernetes';
  answer: () => ClusterReading[] = () => [];
  async readClusters() {
    return this.answer();
  }
}

describe('EvaluationService with cluster evidence', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('re-evaluates nothing for a cluster read again unchanged, and keeps the last good scorecard stale when it fails', async () => {
      let now = new Date('2026-12-02T12:00:00.000Z');
      const clock = () => now;
      const entities = [
        service('cart', 'cart'),
        service('search', 'search'),
        service('lib-like'),
      ];
      const catalog = catalogServiceMock({ entities });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const programs = new ProgramRegistry(
        [`file:${defaultProgramPath('istio-adoption')}`],
        mockServices.urlReader.mock(),
        logger,
      );
      await programs.reload();
      const store = new DatabaseStore(knex, id => programs.get(id));
      const snapshot = new CatalogSnapshot(catalog, auth, store);
      const clusters = new ScriptedClusters();
      const running = (at: Date): ClusterReading[] => [
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'ok',
          snapshot: clusterSnapshot('prod-eu', at.toISOString(), [
            snapshotPod('cart', 'cart-1'),
            snapshotPod('cart', 'cart-2', { injected: false }),
          ]),
        },
        {
          cluster: 'prod-us',
          mode: 'pull',
          status: 'ok',
          snapshot: clusterSnapshot('prod-us', at.toISOString(), [
            snapshotPod('search', 'search-1'),
          ]),
        },
      ];
      clusters.answer = () => running(now);
      const evaluation = new EvaluationService({
        store,
        programs,
        providers: [
          new CatalogEntityProvider(snapshot),
          new ClusterEvidenceProvider({
            sources: [clusters],
            bundles: new PushedEvidenceStore(store, clock),
            store,
            settings: {
              maxAgeMs: { pull: 60 * 60 * 1000, push: 24 * 60 * 60 * 1000 },
              push: { enabled: true, maxBundleBytes: 1024 * 1024 },
            },
            logger,
            clock,
          }),
        ],
        catalog,
        auth,
        logger,
        clock,
        beforePass: () => snapshot.invalidate(),
      });
      const checkOf = async (name: string, checkId: string) => {
        const record = await store.getScorecard(`component:default/${name}`);
        return {
          record,
          check: record?.scorecard.checks.find(c => c.checkId === checkId),
        };
      };

      const first = await evaluation.evaluateAll();
      expect(first.evaluated).toBe(3);
      const cart = await checkOf('cart', 'k8s.inject.present');
      expect(cart.check?.status).toBe('fail');
      expect(JSON.stringify(cart.check?.findings)).toContain('cart-2');
      const lib = await checkOf('lib-like', 'k8s.inject.present');
      expect(lib.check?.status).toBe('not-evaluated');
      expect(lib.record?.scorecard.notConnected).toContain('cluster');

      // Ten minutes later the clusters are listed again, unchanged.
      now = new Date('2026-12-02T12:10:00.000Z');
      const second = await evaluation.evaluateAll();
      expect(second).toMatchObject({ evaluated: 0, unchanged: 3 });

      // prod-eu stops answering: cart's last good scorecard stays, stale;
      // search, in prod-us, is not touched.
      now = new Date('2026-12-02T12:20:00.000Z');
      clusters.answer = () => [
        {
          cluster: 'prod-eu',
          mode: 'pull',
          status: 'failed',
          reason: 'connect ETIMEDOUT',
        },
        running(now)[1],
      ];
      const third = await evaluation.evaluateAll();
      expect(third).toMatchObject({ stale: 1, unchanged: 2 });
      const stale = await checkOf('cart', 'k8s.inject.present');
      expect(stale.record).toMatchObject({
        stale: true,
        staleReason: 'cluster: cluster prod-eu: connect ETIMEDOUT',
      });
      expect(stale.check?.status).toBe('fail');
      expect(
        (await checkOf('search', 'k8s.inject.present')).record?.stale,
      ).toBe(false);
    });
  });
});
