import type { Knex } from 'knex';
import { gzipSync } from 'node:zlib';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import type { ScorecardRecord } from '../database/Store';
import { createTestDatabases } from '../__testUtils__/databases';
import { makeScorecard } from '../__testUtils__/scorecards';
import { ClusterObservationTimes } from './ClusterObservationTimes';

jest.setTimeout(60_000);

function recordObservedAt(observedAt: string): ScorecardRecord {
  const scorecard = makeScorecard({ entityRef: 'component:default/svc-a' });
  scorecard.sources = [
    { source: 'manifests', status: 'ok', fetchedAt: '2026-12-02T09:00:00Z' },
    {
      source: 'cluster',
      status: 'ok',
      fetchedAt: observedAt,
      origins: [{ name: 'prod-eu', mode: 'pull', observedAt }],
    },
  ];
  return {
    entityRef: scorecard.entityRef,
    programId: scorecard.programId,
    kind: 'component',
    failingSince: {},
    evidenceComplete: true,
    stale: false,
    checkedAt: observedAt,
    scorecard,
  };
}

describe('ClusterObservationTimes', () => {
  const databases = createTestDatabases();
  let knex: Knex;
  let store: DatabaseStore;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    await migrateDatabase(knex);
    store = new DatabaseStore(knex);
    await store.putClusterEvidence({
      cluster: 'prod-eu',
      mode: 'pull',
      status: 'ok',
      collectedAt: '2026-12-02T11:55:00.000Z',
      receivedAt: '2026-12-02T11:55:01.000Z',
      contentDigest: 'd',
      bundle: gzipSync('{}'),
    });
  });

  afterAll(async () => {
    await knex.destroy();
  });

  it("brings a scorecard's cluster origins up to the time the cluster was last observed", async () => {
    const times = new ClusterObservationTimes(store);
    const served = await times.apply(
      recordObservedAt('2026-12-02T10:00:00.000Z'),
    );
    expect(served.scorecard.sources).toEqual([
      { source: 'manifests', status: 'ok', fetchedAt: '2026-12-02T09:00:00Z' },
      {
        source: 'cluster',
        status: 'ok',
        fetchedAt: '2026-12-02T11:55:00.000Z',
        origins: [
          {
            name: 'prod-eu',
            mode: 'pull',
            observedAt: '2026-12-02T11:55:00.000Z',
          },
        ],
      },
    ]);
  });

  it('never moves a time back, and leaves scorecards without cluster origins alone', async () => {
    const times = new ClusterObservationTimes(store);
    const newer = recordObservedAt('2026-12-02T12:00:00.000Z');
    expect(await times.apply(newer)).toBe(newer);
    const manifestsOnly = recordObservedAt('2026-12-02T10:00:00.000Z');
    manifestsOnly.scorecard.sources = manifestsOnly.scorecard.sources!.slice(
      0,
      1,
    );
    expect(await times.apply(manifestsOnly)).toBe(manifestsOnly);
  });
});
