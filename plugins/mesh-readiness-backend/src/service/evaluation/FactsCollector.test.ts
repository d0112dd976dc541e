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

  describe('sources that cannot speak about an entity', () => {
    const cluster = (
      id: string,
      answer: Awaited<ReturnType<EvidenceProvider['collect']>>,
    ): EvidenceProvider => ({
      id,
      source: 'cluster',
      collect: async () => answer,
    });

    it('leaves the source not-connected, with the reason, when no provider of it answered', async () => {
      const { facts, failures } = await collectorOf([
        cluster('cluster', {
          status: 'not-connected',
          reason: 'no backstage.io/kubernetes-id annotation',
        }),
      ]).collect(candidate('api'), { attestations: [], waivers: [] });
      expect(facts.sources.cluster).toEqual({
        status: 'not-connected',
        reason: 'no backstage.io/kubernetes-id annotation',
      });
      expect(failures).toEqual([]);
      expect(facts.cluster).toBeUndefined();
    });

    it('counts the source as answered when another provider of it did, and failed when one failed', async () => {
      const notConnected = cluster('labels', {
        status: 'not-connected',
        reason: 'no label selector',
      });
      const answering = cluster('ids', {
        status: 'ok',
        facts: { cluster: { pods: [] } },
        fetchedAt: '2026-10-31T23:30:00.000Z',
      });
      const answered = await collectorOf([notConnected, answering]).collect(
        candidate('api'),
        { attestations: [], waivers: [] },
      );
      expect(answered.facts.sources.cluster).toEqual({
        status: 'ok',
        fetchedAt: '2026-10-31T23:30:00.000Z',
      });
      expect(answered.facts.cluster).toEqual({ pods: [] });

      const failing = cluster('prod-eu', {
        status: 'failed',
        reason: 'prod-eu: 401 Unauthorized',
      });
      const failed = await collectorOf([failing, notConnected]).collect(
        candidate('api'),
        { attestations: [], waivers: [] },
      );
      expect(failed.facts.sources.cluster).toEqual({
        status: 'failed',
        reason: 'prod-eu: 401 Unauthorized',
      });
      expect(failed.failures).toEqual(['cluster: prod-eu: 401 Unauthorized']);
    });
  });

  describe('preparing a run', () => {
    it("calls every provider's prepareRun once with the run's signal, before collecting", async () => {
      const calls: string[] = [];
      const controller = new AbortController();
      const prepared: EvidenceProvider = {
        id: 'cluster',
        source: 'cluster',
        prepareRun: async ({ signal }) => {
          expect(signal).toBe(controller.signal);
          calls.push('prepare');
        },
        collect: async () => {
          calls.push('collect');
          return { status: 'ok', facts: {} };
        },
      };
      const collector = collectorOf([prepared]);
      await collector.prepareRun({ signal: controller.signal });
      await collector.collectBatch([candidate('api'), candidate('db')], {
        signal: controller.signal,
      });
      // A refresh after the run uses the run's preparation.
      await collector.ensurePrepared();
      expect(calls).toEqual(['prepare', 'collect', 'collect']);
    });

    it('fails the source of a provider whose preparation throws, for that run only, and goes on', async () => {
      let down = true;
      const logger = mockServices.logger.mock();
      const flaky: EvidenceProvider = {
        id: 'kubernetes',
        source: 'cluster',
        prepareRun: async () => {
          if (down) throw new Error('connect ETIMEDOUT');
        },
        collect: async () => ({ status: 'ok', facts: { cluster: {} } }),
      };
      const manifests: EvidenceProvider = {
        id: 'repository',
        source: 'manifests',
        collect: async () => ({ status: 'ok', facts: { manifests: [] } }),
      };
      const collector = new FactsCollector({
        providers: [flaky, manifests],
        store: new DatabaseStore(knex, () => undefined),
        logger,
        clock: () => new Date('2026-11-01T00:00:00.000Z'),
        concurrency: 2,
      });
      await collector.prepareRun();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('kubernetes failed: connect ETIMEDOUT'),
      );
      const during = await collector.collect(candidate('api'), {
        attestations: [],
        waivers: [],
      });
      expect(during.facts.sources.cluster).toEqual({
        status: 'failed',
        reason: 'kubernetes failed: connect ETIMEDOUT',
      });
      expect(during.facts.sources.manifests?.status).toBe('ok');

      down = false;
      await collector.prepareRun();
      const after = await collector.collect(candidate('api'), {
        attestations: [],
        waivers: [],
      });
      expect(after.facts.sources.cluster?.status).toBe('ok');
    });

    it('prepares once for refreshes when no run prepared yet', async () => {
      let preparations = 0;
      const collector = collectorOf([
        {
          id: 'cluster',
          source: 'cluster',
          prepareRun: async () => {
            preparations += 1;
          },
          collect: async () => ({ status: 'ok', facts: {} }),
        },
      ]);
      await Promise.all([
        collector.ensurePrepared(),
        collector.ensurePrepared(),
      ]);
      await collector.ensurePrepared();
      expect(preparations).toBe(1);
    });

    it('throws the abort reason when the run is cancelled while preparing', async () => {
      const controller = new AbortController();
      const collector = collectorOf([
        {
          id: 'cluster',
          source: 'cluster',
          prepareRun: async () => {
            controller.abort(new Error('scheduler timeout'));
            throw new Error('aborted');
          },
          collect: async () => ({ status: 'ok', facts: {} }),
        },
      ]);
      await expect(
        collector.prepareRun({ signal: controller.signal }),
      ).rejects.toThrow('scheduler timeout');
    });
  });
});
