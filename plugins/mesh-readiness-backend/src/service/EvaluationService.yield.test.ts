import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { CatalogEntityProvider } from '../evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import { ProgramRegistry } from '../programs/ProgramRegistry';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  component,
  group,
  serviceManifests,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../__testUtils__/fixtures';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(60_000);

const SERVICES = 1500;

/** Manifests from memory: the run is all engine and store work. */
const memoryManifests: EvidenceProvider = {
  id: 'memory-manifests',
  source: 'manifests',
  async collect(entity) {
    return {
      status: 'ok',
      facts: {
        manifests: Object.entries(serviceManifests(entity.metadata.name)).map(
          ([path, content]) => ({ path, content }),
        ),
      },
    };
  },
};

describe('EvaluationService on a large catalog', () => {
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

    beforeEach(async () => {
      await knex('mesh_readiness_scorecards').delete();
      await knex('mesh_readiness_history').delete();
    });

    async function setup() {
      const entities = [
        group('team-a'),
        ...Array.from({ length: SERVICES }, (_, i) =>
          component(`svc-${i}`, { owner: 'team-a', mesh: 'istio' }),
        ),
      ];
      const catalog = catalogServiceMock({ entities });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const programFile = `${writeTree({
        'istio-adoption.yaml': TEST_PROGRAM_YAML,
      })}/istio-adoption.yaml`;
      const programs = new ProgramRegistry(
        [programFile],
        mockServices.urlReader.mock(),
        logger,
      );
      await programs.reload();
      const store = new DatabaseStore(knex, id => programs.get(id));
      const snapshot = new CatalogSnapshot(catalog, auth, store);
      const service = new EvaluationService({
        store,
        programs,
        providers: [new CatalogEntityProvider(snapshot), memoryManifests],
        catalog,
        auth,
        logger,
        // One page: without yielding, the whole catalog would be evaluated
        // in one stretch of the event loop.
        pageSize: SERVICES + 1,
        beforePass: () => snapshot.invalidate(),
      });
      return { service, store };
    }

    it('security: the scheduled evaluation yields to the event loop between entities (a timer keeps firing)', async () => {
      const { service } = await setup();
      let ticks = 0;
      let last = performance.now();
      let longestGap = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks += 1;
      }, 2);
      const started = performance.now();
      const stats = await service.evaluateAll();
      const tookMs = performance.now() - started;
      clearInterval(timer);
      expect(stats.evaluated).toBe(SERVICES);
      // The run takes seconds; a timer that could not fire for more than a
      // fraction of it means the run held the event loop.
      expect(tookMs).toBeGreaterThan(500);
      // On average a tick every 50 ms at least, and no single stall holds
      // a large part of the run (the catalog double's page read and the
      // machine's other work make single gaps vary; without yielding there
      // is no tick at all and one stall as long as the run).
      expect(ticks).toBeGreaterThan(tookMs / 50);
      expect(longestGap).toBeLessThan(tookMs / 3);
    });

    it('security: the scheduled evaluation stops when its abort signal fires and keeps what it stored', async () => {
      const { service, store } = await setup();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(
        service.evaluateAll({ signal: controller.signal }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      // Nothing was half-written: every stored scorecard is complete, and
      // the next run finishes the work.
      const keys = await store.listScorecardKeys();
      expect(keys.length).toBeLessThan(SERVICES);
      const stats = await service.evaluateAll();
      expect(stats.evaluated + stats.unchanged).toBe(SERVICES);
      expect(await store.listScorecardKeys()).toHaveLength(SERVICES);
    });
  });
});
