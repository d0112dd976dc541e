import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { MetricsFacts } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrateDatabase } from '../database/DatabaseStore';
import { TrafficCoverageStore } from '../database/TrafficCoverageStore';
import {
  mtlsFiguresOf,
  TrafficCoverageRecorder,
} from './TrafficCoverageRecorder';

jest.setTimeout(60_000);

function inbound(
  requests: [total: number, mtls: number],
  connections: [total: number, mtls: number] = [0, 0],
): MetricsFacts {
  return {
    window: { days: 7 },
    inbound: {
      requests: { total: requests[0], mtls: requests[1] },
      connections: { total: connections[0], mtls: connections[1] },
      callers: [],
    },
  };
}

/** A metrics provider answering from a table of entity refs. */
class TableMetricsProvider implements EvidenceProvider {
  readonly id = 'table-metrics';
  readonly source = 'metrics' as const;
  prepared = 0;
  constructor(public answers: Record<string, EvidenceResult>) {}
  async prepareRun() {
    this.prepared += 1;
  }
  async collect(_entity: Entity, options: EvidenceCollectOptions) {
    return (
      this.answers[options.entityRef] ?? {
        status: 'ok' as const,
        facts: {},
      }
    );
  }
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x' },
};

async function collectAll(provider: EvidenceProvider, refs: string[]) {
  for (const entityRef of refs) {
    await provider.collect(entity, {
      entityRef,
      program: {} as EvidenceCollectOptions['program'],
    });
  }
}

describe('mtlsFiguresOf', () => {
  it('reads the inbound figures and the window of metrics facts', () => {
    expect(mtlsFiguresOf(inbound([100, 75], [10, 10]))).toEqual({
      requests: 100,
      mtlsRequests: 75,
      connections: 10,
      mtlsConnections: 10,
      windowDays: 7,
    });
  });

  it('ignores absent and malformed figures', () => {
    expect(mtlsFiguresOf(undefined)).toBeUndefined();
    expect(mtlsFiguresOf({ noTraffic: true })).toBeUndefined();
    // More mTLS requests than requests: a provider bug, not coverage.
    expect(mtlsFiguresOf(inbound([10, 11]))).toBeUndefined();
    expect(
      mtlsFiguresOf({ inbound: { requests: { total: -1, mtls: 0 } } }),
    ).toBeUndefined();
  });
});

describe('TrafficCoverageRecorder', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setup(clock: () => Date) {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const store = new TrafficCoverageStore(knex);
      const recorder = new TrafficCoverageRecorder({
        store,
        logger: mockServices.logger.mock(),
        clock,
      });
      return { store, recorder };
    }

    it('stores the share of the run, summed over entities, one row per day', async () => {
      let now = new Date('2026-11-30T10:00:00.000Z');
      const { store, recorder } = await setup(() => now);
      const provider = new TableMetricsProvider({
        'component:default/a': {
          status: 'ok',
          facts: { metrics: inbound([900, 900]) },
        },
        'component:default/b': {
          status: 'ok',
          facts: { metrics: inbound([100, 0], [40, 10]) },
        },
        // An entity without inbound figures does not count.
        'component:default/c': {
          status: 'ok',
          facts: { metrics: { noTraffic: true } },
        },
      });
      const observed = recorder.observe(provider);

      recorder.startRun();
      await collectAll(observed, [
        'component:default/a',
        'component:default/b',
        'component:default/c',
      ]);
      expect(await recorder.finishRun()).toMatchObject({
        day: '2026-11-30',
        requests: 1000,
        mtlsRequests: 900,
        connections: 40,
        mtlsConnections: 10,
        entities: 2,
        windowDays: 7,
      });

      // A later run of the same day replaces the day's figure.
      provider.answers['component:default/b'] = {
        status: 'ok',
        facts: { metrics: inbound([100, 100], [40, 40]) },
      };
      now = new Date('2026-11-30T18:00:00.000Z');
      recorder.startRun();
      await collectAll(observed, [
        'component:default/a',
        'component:default/b',
      ]);
      await recorder.finishRun();

      now = new Date('2026-12-01T09:00:00.000Z');
      recorder.startRun();
      await collectAll(observed, ['component:default/a']);
      await recorder.finishRun();

      expect(await store.list('2026-11-01')).toEqual([
        {
          day: '2026-11-30',
          recordedAt: '2026-11-30T18:00:00.000Z',
          requests: 1000,
          mtlsRequests: 1000,
          connections: 40,
          mtlsConnections: 40,
          entities: 2,
          windowDays: 7,
        },
        {
          day: '2026-12-01',
          recordedAt: '2026-12-01T09:00:00.000Z',
          requests: 900,
          mtlsRequests: 900,
          connections: 0,
          mtlsConnections: 0,
          entities: 1,
          windowDays: 7,
        },
      ]);
      expect(await store.list('2026-12-01')).toHaveLength(1);
    });

    it('records nothing when the metrics source failed for an entity, keeping the last figure', async () => {
      const { store, recorder } = await setup(
        () => new Date('2026-11-30T10:00:00.000Z'),
      );
      const provider = new TableMetricsProvider({
        'component:default/a': {
          status: 'ok',
          facts: { metrics: inbound([10, 10]) },
        },
      });
      const observed = recorder.observe(provider);
      recorder.startRun();
      await collectAll(observed, ['component:default/a']);
      await recorder.finishRun();

      provider.answers['component:default/b'] = {
        status: 'failed',
        reason: 'prometheus prod-eu: connect ECONNREFUSED',
      };
      provider.answers['component:default/a'] = {
        status: 'ok',
        facts: { metrics: inbound([10, 0]) },
      };
      recorder.startRun();
      await collectAll(observed, [
        'component:default/a',
        'component:default/b',
      ]);
      expect(await recorder.finishRun()).toBeUndefined();
      expect(await store.list('2026-11-01')).toEqual([
        expect.objectContaining({ requests: 10, mtlsRequests: 10 }),
      ]);
    });

    it('records nothing when no entity had figures', async () => {
      const { store, recorder } = await setup(
        () => new Date('2026-11-30T10:00:00.000Z'),
      );
      recorder.startRun();
      await collectAll(recorder.observe(new TableMetricsProvider({})), [
        'component:default/a',
      ]);
      expect(await recorder.finishRun()).toBeUndefined();
      expect(await store.list('2000-01-01')).toEqual([]);
    });
  });

  it('answers what the wrapped provider answers and still prepares it', async () => {
    const recorder = new TrafficCoverageRecorder({
      store: {} as TrafficCoverageStore,
      logger: mockServices.logger.mock(),
    });
    const answer: EvidenceResult = {
      status: 'ok',
      facts: { metrics: inbound([3, 1]) },
    };
    const provider = new TableMetricsProvider({
      'component:default/a': answer,
    });
    const observed = recorder.observe(provider) as EvidenceProvider & {
      prepareRun?: (options: { signal?: AbortSignal }) => Promise<void>;
    };
    expect(observed).not.toBe(provider);
    expect({ id: observed.id, source: observed.source }).toEqual({
      id: 'table-metrics',
      source: 'metrics',
    });
    await observed.prepareRun?.({});
    expect(provider.prepared).toBe(1);
    await expect(
      observed.collect(entity, {
        entityRef: 'component:default/a',
        program: {} as EvidenceCollectOptions['program'],
      }),
    ).resolves.toBe(answer);
    // Providers of other sources are not wrapped.
    const manifests: EvidenceProvider = {
      id: 'manifests',
      source: 'manifests',
      collect: async () => ({ status: 'ok', facts: {} }),
    };
    expect(recorder.observe(manifests)).toBe(manifests);
  });
});
