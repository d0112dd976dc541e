import { createTestDatabases } from '../__testUtils__/databases';
import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  configureDatabase,
  DatabaseStore,
  migrateDatabase,
} from './DatabaseStore';
import type { ScorecardWrite } from './Store';
import { makeScorecard } from '../__testUtils__/scorecards';

jest.setTimeout(60_000);

function write(
  entityRef: string,
  opts: {
    owner?: string;
    phase?: string;
    checks?: Record<string, any>;
    at?: string;
    stale?: boolean;
    programId?: string;
    history?: boolean;
  } = {},
): ScorecardWrite {
  const at = opts.at ?? '2026-11-01T00:00:00.000Z';
  const scorecard = makeScorecard({
    entityRef,
    phase: opts.phase,
    checks: opts.checks,
    at,
    programId: opts.programId,
  });
  return {
    record: {
      entityRef,
      programId: scorecard.programId,
      kind: 'component',
      title: entityRef.split('/')[1],
      owner: opts.owner ?? 'group:default/team-a',
      failingSince: {},
      evidenceComplete: true,
      stale: opts.stale ?? false,
      staleReason: opts.stale ? 'manifests: host down' : undefined,
      checkedAt: at,
      scorecard,
    },
    history: opts.history
      ? {
          entityRef,
          programId: scorecard.programId,
          programVersion: scorecard.programVersion,
          owner: opts.owner ?? 'group:default/team-a',
          at,
          phase: scorecard.phase,
          changes: [{ itemId: 'k8s.svc.protocol', to: 'pass' }],
        }
      : undefined,
  };
}

describe('DatabaseStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      store = new DatabaseStore(knex);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    beforeEach(async () => {
      for (const table of [
        'mesh_readiness_scorecards',
        'mesh_readiness_history',
        'mesh_readiness_attestations',
        'mesh_readiness_waivers',
        'mesh_readiness_mentor_notes',
        'mesh_readiness_failing_checks',
      ]) {
        await knex(table).delete();
      }
    });

    it('stores scorecards in one batch and reads them back whole', async () => {
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', onQuery);
      await store.writeScorecards([
        write('component:default/a', { history: true }),
        write('component:default/b', {
          history: true,
          checks: { 'k8s.svc.protocol': 'fail' },
        }),
        write('component:default/c', {
          checks: { 'k8s.svc.protocol': 'fail' },
        }),
      ]);
      knex.off('query', onQuery);
      const dataStatements = queries.filter(sql =>
        /^\s*(insert|update|delete)/i.test(sql),
      );
      // One upsert of the current rows, one delete of their failing checks,
      // one insert of the history rows, one insert of the failing checks.
      expect(
        dataStatements.map(sql => sql.match(/^\s*\w+ \w+ \S+/)![0]),
      ).toEqual([
        expect.stringMatching(/^insert into .mesh_readiness_scorecards.$/),
        expect.stringMatching(/^delete from .mesh_readiness_failing_checks.$/),
        expect.stringMatching(/^insert into .mesh_readiness_history.$/),
        expect.stringMatching(/^insert into .mesh_readiness_failing_checks.$/),
      ]);

      const a = await store.getScorecard('component:default/a');
      expect(a?.scorecard).toEqual(
        makeScorecard({ entityRef: 'component:default/a' }),
      );
      expect(a?.owner).toBe('group:default/team-a');
      expect(a?.stale).toBe(false);
      expect(await store.getScorecard('component:default/zzz')).toBeUndefined();

      const states = await store.getScorecardStates([
        'component:default/a',
        'component:default/c',
      ]);
      expect(states.map(s => s.entityRef).sort()).toEqual([
        'component:default/a',
        'component:default/c',
      ]);
      expect(states[0].factsHash).toBe('a'.repeat(64));
    });

    it('reads many scorecards back whole, decoded off the event loop', async () => {
      const refs = Array.from(
        { length: 230 },
        (_, i) => `component:default/s${String(i).padStart(3, '0')}`,
      );
      await store.writeScorecards(
        refs.map((ref, i) => write(ref, { phase: i % 2 ? 'expand' : 'pilot' })),
      );
      const records = await store.getScorecards(refs);
      expect(records).toHaveLength(230);
      const byRef = new Map(records.map(r => [r.entityRef, r]));
      refs.forEach((ref, i) =>
        expect(byRef.get(ref)?.scorecard).toEqual(
          makeScorecard({
            entityRef: ref,
            phase: i % 2 ? 'expand' : 'pilot',
          }),
        ),
      );
    });

    it('pages scorecard phases in entity and program order', async () => {
      await store.writeScorecards([
        write('component:default/c', { phase: 'expand' }),
        write('component:default/a'),
        write('component:default/b', { programId: 'other' }),
        write('component:default/b', { phase: 'expand' }),
        write('component:default/d'),
      ]);
      const seen: Array<{
        entityRef: string;
        programId: string;
        phase: string;
      }> = [];
      let after: { entityRef: string; programId: string } | undefined;
      for (;;) {
        const page = await store.listScorecardPhases({ after, limit: 2 });
        seen.push(...page);
        if (page.length < 2) break;
        after = page[page.length - 1];
      }
      const defaultProgram = makeScorecard({
        entityRef: 'component:default/a',
      }).programId;
      expect(seen).toEqual(
        [
          {
            entityRef: 'component:default/a',
            programId: defaultProgram,
            phase: 'pilot',
          },
          {
            entityRef: 'component:default/b',
            programId: defaultProgram,
            phase: 'expand',
          },
          {
            entityRef: 'component:default/b',
            programId: 'other',
            phase: 'pilot',
          },
          {
            entityRef: 'component:default/c',
            programId: defaultProgram,
            phase: 'expand',
          },
          {
            entityRef: 'component:default/d',
            programId: defaultProgram,
            phase: 'pilot',
          },
        ].sort((x, y) =>
          x.entityRef === y.entityRef
            ? x.programId.localeCompare(y.programId)
            : x.entityRef.localeCompare(y.entityRef),
        ),
      );
    });

    it('upserts: a second write replaces the current row', async () => {
      await store.writeScorecards([write('component:default/a')]);
      await store.writeScorecards([
        write('component:default/a', {
          phase: 'expand',
          at: '2026-11-02T00:00:00.000Z',
          stale: true,
        }),
      ]);
      const page = await store.listScorecards({}, { offset: 0, limit: 10 });
      expect(page.totalCount).toBe(1);
      expect(page.items[0].phase).toBe('expand');
      expect(page.items[0].stale).toBe(true);
      expect(page.items[0].staleReason).toBe('manifests: host down');
    });

    it('filters and paginates the list with a total', async () => {
      await store.writeScorecards([
        write('component:default/a', {
          phase: 'pilot',
          checks: { 'k8s.svc.protocol': 'fail', 'mesh.mtls': 'pass' },
        }),
        write('component:default/b', {
          phase: 'expand',
          owner: 'group:default/team-b',
          checks: { 'k8s.svc.protocol': 'pass' },
        }),
        write('component:default/c', {
          phase: 'pilot',
          checks: { k8s_svc_protocol: 'fail' },
        }),
        write('component:default/d', { phase: 'pilot' }),
      ]);

      const pilot = await store.listScorecards(
        { phase: 'pilot' },
        { offset: 0, limit: 2 },
      );
      expect(pilot.totalCount).toBe(3);
      expect(pilot.items.map(i => i.entityRef)).toEqual([
        'component:default/a',
        'component:default/c',
      ]);
      const next = await store.listScorecards(
        { phase: 'pilot' },
        { offset: 2, limit: 2 },
      );
      expect(next.items.map(i => i.entityRef)).toEqual(['component:default/d']);

      const byOwner = await store.listScorecards(
        { owner: 'group:default/team-b' },
        { offset: 0, limit: 10 },
      );
      expect(byOwner.items.map(i => i.entityRef)).toEqual([
        'component:default/b',
      ]);

      // `_` in a check id is matched literally, not as a LIKE wildcard.
      const failing = await store.listScorecards(
        { checkId: 'k8s.svc.protocol', checkStatus: 'fail' },
        { offset: 0, limit: 10 },
      );
      expect(failing.items.map(i => i.entityRef)).toEqual([
        'component:default/a',
      ]);
      const passing = await store.listScorecards(
        { checkId: 'mesh.mtls', checkStatus: 'pass' },
        { offset: 0, limit: 10 },
      );
      expect(passing.items.map(i => i.entityRef)).toContain(
        'component:default/a',
      );
      expect(failing.items[0].failingChecks).toBe(1);
    });

    it('keeps history per change and prunes by age', async () => {
      await store.writeScorecards([
        write('component:default/a', {
          history: true,
          at: '2026-10-01T00:00:00.000Z',
        }),
      ]);
      await store.writeScorecards([
        write('component:default/a', {
          history: true,
          phase: 'expand',
          at: '2026-11-01T00:00:00.000Z',
        }),
        write('component:default/b', {
          history: true,
          at: '2026-11-01T00:00:00.000Z',
        }),
      ]);
      const page = await store.listHistory(
        { entityRefs: ['component:default/a'] },
        { offset: 0, limit: 10 },
      );
      expect(page.totalCount).toBe(2);
      expect(page.items.map(i => i.phase)).toEqual(['expand', 'pilot']);
      expect(page.items[0].changes).toEqual([
        { itemId: 'k8s.svc.protocol', to: 'pass' },
      ]);

      expect(await store.pruneHistory('2026-10-15T00:00:00.000Z')).toBe(1);
      const all = await store.listAllHistory({});
      expect(all.map(h => [h.entityRef, h.at])).toEqual([
        ['component:default/a', '2026-11-01T00:00:00.000Z'],
        ['component:default/b', '2026-11-01T00:00:00.000Z'],
      ]);
    });

    it('lists keys and deletes the rows of vanished entities', async () => {
      await store.writeScorecards([
        write('component:default/a'),
        write('component:default/b'),
      ]);
      const keys = await store.listScorecardKeys();
      expect(keys.map(k => k.entityRef).sort()).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      expect(
        await store.deleteScorecards([
          { entityRef: 'component:default/b', programId: 'istio-adoption' },
          { entityRef: 'component:default/b', programId: 'other-program' },
        ]),
      ).toBe(1);
      const rest = await store.listAllScorecards({});
      expect(rest.map(r => r.entityRef)).toEqual(['component:default/a']);
    });

    it('stores attestations and revokes each once', async () => {
      expect(await store.hasNoAttestationsOrWaivers()).toBe(true);
      await store.createAttestation({
        id: 'att-1',
        entityRef: 'component:default/a',
        programId: 'istio-adoption',
        itemId: 'review.security',
        attestedBy: 'user:default/alice',
        role: 'security',
        evidenceUrl: 'https://example.com/review',
        attestedAt: '2026-11-01T00:00:00.000Z',
      });
      expect(await store.hasNoAttestationsOrWaivers()).toBe(false);
      expect(
        await store.listAttestations({ entityRef: 'component:default/a' }),
      ).toEqual([
        {
          id: 'att-1',
          entityRef: 'component:default/a',
          programId: 'istio-adoption',
          itemId: 'review.security',
          attestedBy: 'user:default/alice',
          role: 'security',
          evidenceUrl: 'https://example.com/review',
          attestedAt: '2026-11-01T00:00:00.000Z',
        },
      ]);
      expect(
        await store.revokeAttestation(
          'att-1',
          'user:default/bob',
          '2026-11-02T00:00:00.000Z',
        ),
      ).toBe(true);
      expect(
        await store.revokeAttestation(
          'att-1',
          'user:default/bob',
          '2026-11-03T00:00:00.000Z',
        ),
      ).toBe(false);
      expect(await store.listAttestations({})).toEqual([]);
      const revoked = await store.listAttestations({ includeRevoked: true });
      expect(revoked[0].revokedAt).toBe('2026-11-02T00:00:00.000Z');
    });

    it('moves waivers between states only from the allowed ones', async () => {
      await store.createWaiver({
        id: 'w-1',
        entityRef: 'component:default/a',
        programId: 'istio-adoption',
        itemId: 'k8s.svc.protocol',
        state: 'requested',
        justification: 'Legacy protocol until Q3',
        requestedBy: 'user:default/alice',
        requestedAt: '2026-11-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
      });
      const decision = {
        by: 'user:default/lead',
        at: '2026-11-02T00:00:00.000Z',
      };
      expect(
        await store.decideWaiver('w-1', ['requested'], 'approved', decision),
      ).toBe(true);
      expect(
        await store.decideWaiver('w-1', ['requested'], 'rejected', decision),
      ).toBe(false);
      const waiver = await store.getWaiver('w-1');
      expect(waiver).toMatchObject({
        state: 'approved',
        decidedBy: 'user:default/lead',
        decidedAt: '2026-11-02T00:00:00.000Z',
      });
      expect(
        (await store.listWaivers({ states: ['approved'] })).map(w => w.id),
      ).toEqual(['w-1']);
      expect(await store.listWaivers({ states: ['requested'] })).toEqual([]);
    });

    it('keeps mentor notes per group, newest first', async () => {
      await store.addMentorNote({
        id: 'n-1',
        groupRef: 'group:default/team-a',
        author: 'user:default/mentor',
        body: 'First pairing session done',
        createdAt: '2026-11-01T00:00:00.000Z',
      });
      await store.addMentorNote({
        id: 'n-2',
        groupRef: 'group:default/team-a',
        entityRef: 'component:default/a',
        author: 'user:default/mentor',
        body: 'mTLS next',
        createdAt: '2026-11-02T00:00:00.000Z',
      });
      const notes = await store.listMentorNotes('group:default/team-a');
      expect(notes.map(n => n.id)).toEqual(['n-2', 'n-1']);
      expect(notes[0].entityRef).toBe('component:default/a');
      expect(await store.listMentorNotes('group:default/other')).toEqual([]);
    });
  });
});

describe('configureDatabase', () => {
  it('runs a SQLite file with a write-ahead log and synchronous NORMAL, on every pooled connection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-wal-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'plugin.sqlite') },
      useNullAsDefault: true,
      log: { warn: () => {} },
    });
    try {
      await configureDatabase(knex);
      await migrateDatabase(knex);
      const mode = await knex.raw('PRAGMA journal_mode');
      expect(mode).toEqual([{ journal_mode: 'wal' }]);
      // 1 = NORMAL (2 = FULL, the default).
      expect(await knex.raw('PRAGMA synchronous')).toEqual([
        { synchronous: 1 },
      ]);
      // A connection the pool opens later (after this one is dropped)
      // gets the same setting.
      const first = await knex.client.acquireConnection();
      first.__knex__disposed = 'dropped by the test';
      await knex.client.releaseConnection(first);
      expect(await knex.raw('PRAGMA synchronous')).toEqual([
        { synchronous: 1 },
      ]);
      const store = new DatabaseStore(knex);
      await store.writeScorecards([write('component:default/a')]);
      expect(
        (await store.getScorecard('component:default/a'))?.scorecard,
      ).toEqual(makeScorecard({ entityRef: 'component:default/a' }));
      expect(knex.client.pool.numUsed() + knex.client.pool.numFree()).toBe(1);
    } finally {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
