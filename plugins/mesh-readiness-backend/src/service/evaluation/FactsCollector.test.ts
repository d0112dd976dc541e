import { mockServices } from '@backstage/backend-test-utils';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../../database/DatabaseStore';
import { createTestDatabases } from '../../__testUtils__/databases';
import { component } from '../../__testUtils__/fixtures';
import { FactsCollector } from './FactsCollector';

jest.setTimeout(60_000);

describe('FactsCollector', () => {
  const databases = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
  });

  afterAll(async () => {
    await knex.destroy();
  });

  const program = {
    metadata: { name: 'istio-adoption', version: '1.0.0' },
  } as Program;
  const candidate = (name: string) => ({
    entity: component(name, { owner: 'team-a' }),
    entityRef: `component:default/${name}`,
    program,
  });
  const collectorOf = (providers: EvidenceProvider[]) =>
    new FactsCollector({
      providers,
      store: new DatabaseStore(knex, () => undefined),
      logger: mockServices.logger.mock(),
      clock: () => new Date('2026-11-01T00:00:00.000Z'),
      concurrency: 2,
    });

  it("passes the run's signal and its phases to every provider", async () => {
    const seen: Array<{ id: string; signal?: AbortSignal; phases?: unknown }> =
      [];
    const recording = (id: string): EvidenceProvider => ({
      id,
      source: id === 'a' ? 'manifests' : 'cluster',
      collect: async (_entity, options) => {
        seen.push({
          id,
          signal: options.signal,
          phases: (options as { phasesOfThisRun?: unknown }).phasesOfThisRun,
        });
        return { status: 'ok', facts: {} };
      },
    });
    const controller = new AbortController();
    const phasesOfThisRun = new Map([['component:default/web', 'pilot']]);
    await collectorOf([recording('a'), recording('b')]).collectBatch(
      [candidate('api'), candidate('db')],
      { signal: controller.signal, phasesOfThisRun },
    );
    expect(seen).toHaveLength(4);
    for (const call of seen) {
      expect(call.signal).toBe(controller.signal);
      expect(call.phases).toBe(phasesOfThisRun);
    }
  });

  it('turns a failing provider into a failed source that contributes no facts', async () => {
    const manifests: EvidenceProvider = {
      id: 'repository',
      source: 'manifests',
      collect: async () => ({
        status: 'ok',
        facts: { manifests: [{ path: 'k8s/a.yaml', content: 'kind: A\n' }] },
      }),
    };
    const mirror: EvidenceProvider = {
      id: 'mirror',
      source: 'manifests',
      collect: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const { facts, failures } = await collectorOf([manifests, mirror]).collect(
      candidate('api'),
      { attestations: [], waivers: [] },
    );
    expect(failures).toEqual([
      'manifests: mirror failed: connect ECONNREFUSED',
    ]);
    expect(facts.sources.manifests).toEqual({
      status: 'failed',
      reason: 'mirror failed: connect ECONNREFUSED',
    });
    expect(facts.manifests).toBeUndefined();
  });

  it('throws the abort reason instead of answering with the sources that gave up', async () => {
    const controller = new AbortController();
    const givingUp: EvidenceProvider = {
      id: 'cluster',
      source: 'cluster',
      collect: async (_entity, { signal }) => {
        controller.abort(new Error('shutting down'));
        return { status: 'failed', reason: String(signal?.reason) };
      },
    };
    const logger = mockServices.logger.mock();
    const collector = new FactsCollector({
      providers: [givingUp],
      store: new DatabaseStore(knex, () => undefined),
      logger,
      clock: () => new Date('2026-11-01T00:00:00.000Z'),
      concurrency: 2,
    });
    await expect(
      collector.collectBatch([candidate('api'), candidate('db')], {
        signal: controller.signal,
      }),
    ).rejects.toThrow('shutting down');
    // A cancelled run is not an entity that failed.
    expect(logger.error).not.toHaveBeenCalled();
  });
});
