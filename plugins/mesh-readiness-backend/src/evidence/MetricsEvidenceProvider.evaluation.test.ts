import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { TrafficSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { TrafficEvidenceSource } from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Knex } from 'knex';
import os from 'node:os';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import {
  defaultProgramPath,
  ProgramRegistry,
} from '../programs/ProgramRegistry';
import { EvaluationService } from '../service/EvaluationService';
import { createTestDatabases } from '../__testUtils__/databases';
import { sampleOrganisation } from '../__testUtils__/fixtures';
import { CallerPhasesProvider } from './CallerPhasesProvider';
import { CatalogEntityProvider } from './CatalogEntityProvider';
import { CatalogSnapshot } from './CatalogSnapshot';
import { MetricsEvidenceProvider } from './MetricsEvidenceProvider';
import {
  DEFAULT_MANIFEST_READ_LIMITS,
  RepositoryManifestsProvider,
} from './RepositoryManifestsProvider';

jest.setTimeout(60_000);

const NOW = new Date('2026-12-02T17:30:00.000Z');

/** A week of svc-a's inbound traffic: svc-b calls it in plaintext. */
const traffic: TrafficSnapshot = {
  source: 'prod-eu',
  cluster: 'prod-eu-1',
  observedAt: '2026-12-02T17:25:00.000Z',
  windowSeconds: 7 * 86_400,
  traffic: [
    {
      mesh: 'istio',
      protocol: 'http',
      reporter: 'destination',
      destination: { namespace: 'default', workload: 'svc-a' },
      source: { namespace: 'default', workload: 'svc-b' },
      mtls: false,
      count: 60_480,
      success: 59_000,
    },
  ],
  latency: [],
  dryRun: [],
};

describe('traffic evidence through the evaluation service', () => {
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

    it('stores a scorecard whose sec.mtls.observed and obs.golden are evaluated from the metrics, naming the plaintext caller', async () => {
      const { entities } = sampleOrganisation();
      for (const entity of entities) {
        if (entity.kind === 'Component') {
          entity.metadata.annotations = {
            ...entity.metadata.annotations,
            'backstage.io/kubernetes-id': entity.metadata.name,
          };
        }
      }
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
      const prometheus: TrafficEvidenceSource = {
        id: 'prometheus',
        readTraffic: async () => [
          {
            source: 'prod-eu',
            cluster: 'prod-eu-1',
            mode: 'pull',
            status: 'ok',
            snapshot: traffic,
          },
        ],
      };
      const service = new EvaluationService({
        store,
        programs,
        providers: [
          new CatalogEntityProvider(snapshot),
          new CallerPhasesProvider(snapshot),
          new RepositoryManifestsProvider(mockServices.urlReader.mock(), {
            ...DEFAULT_MANIFEST_READ_LIMITS,
            fileRoots: [os.tmpdir()],
          }),
          new MetricsEvidenceProvider({
            sources: [prometheus],
            catalog,
            auth,
            phases: snapshot,
            settings: { maxAgeMs: { pull: 3_600_000, push: 86_400_000 } },
            logger,
            clock: () => NOW,
          }),
        ],
        catalog,
        auth,
        logger,
        clock: () => NOW,
        beforePass: () => snapshot.invalidate(),
      });

      await service.evaluateAll();

      const stored = await store.getScorecard('component:default/svc-a');
      const results = stored!.scorecard.checks;
      const observed = results.find(c => c.checkId === 'sec.mtls.observed')!;
      expect(observed.status).toBe('fail');
      expect(observed.summary).toBe(
        '0.00% of requests mTLS; switching to STRICT now would break these callers (1)',
      );
      expect(
        observed.findings.find(f => f.resource?.name === 'svc-b'),
      ).toMatchObject({
        level: 'fail',
        message:
          'switching to STRICT now would break these callers: svc-b (default, cluster prod-eu-1) sends 0.10/s plaintext (60,480 requests); catalog component:default/svc-b, owner group:default/team-a-sub, phase not-started',
      });
      const golden = results.find(c => c.checkId === 'obs.golden')!;
      expect(golden.status).toBe('fail');
      expect(golden.summary).toBe('success rate 97.55%, error budget spent');

      // svc-b has no inbound traffic: its own outcome, never a pass.
      const quiet = (await store.getScorecard('component:default/svc-b'))!
        .scorecard.checks;
      expect(quiet.find(c => c.checkId === 'sec.mtls.observed')).toMatchObject({
        status: 'unknown',
        summary: 'no traffic in the last 7 days',
      });
    });
  });
});
