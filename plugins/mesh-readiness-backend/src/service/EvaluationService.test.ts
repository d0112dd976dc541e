import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { CallerPhasesProvider } from '../evidence/CallerPhasesProvider';
import { CatalogEntityProvider } from '../evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import {
  DEFAULT_MANIFEST_READ_LIMITS,
  RepositoryManifestsProvider,
} from '../evidence/RepositoryManifestsProvider';
import { ProgramRegistry } from '../programs/ProgramRegistry';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  component,
  group,
  sampleOrganisation,
  serviceManifests,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../__testUtils__/fixtures';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(60_000);

describe('EvaluationService', () => {
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

    function setup(
      options: {
        providers?: EvidenceProvider[];
        clock?: () => Date;
        mutate?: (
          entities: ReturnType<typeof sampleOrganisation>['entities'],
        ) => void;
      } = {},
    ) {
      const { entities, repoA, programFile } = sampleOrganisation();
      options.mutate?.(entities);
      const catalog = catalogServiceMock({ entities });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const programs = new ProgramRegistry(
        [programFile],
        mockServices.urlReader.mock(),
        logger,
      );
      const store = new DatabaseStore(knex, id => programs.get(id));
      const snapshot = new CatalogSnapshot(catalog, auth, store);
      const service = new EvaluationService({
        store,
        programs,
        providers: options.providers ?? [
          new CatalogEntityProvider(snapshot),
          new CallerPhasesProvider(snapshot),
          new RepositoryManifestsProvider(mockServices.urlReader.mock(), {
            ...DEFAULT_MANIFEST_READ_LIMITS,
            // The sample organisation's repositories are temporary folders.
            fileRoots: [os.tmpdir()],
          }),
        ],
        catalog,
        auth,
        logger,
        clock: options.clock,
        beforePass: () => snapshot.invalidate(),
      });
      return { service, store, programs, repoA, programFile, logger };
    }

    it('evaluates the catalog once and skips unchanged entities afterwards', async () => {
      const { service, store, programs } = setup();
      await programs.reload();
      const first = await service.evaluateAll();
      // team groups, users and the library are not services of the program.
      expect(first).toMatchObject({ evaluated: 2, unchanged: 0, skipped: 1 });
      const second = await service.evaluateAll();
      expect(second).toMatchObject({ evaluated: 0, unchanged: 2, deleted: 0 });
      const history = await store.listAllHistory({});
      expect(history).toHaveLength(2);
    });

    it('tells its listeners about stored scorecards, with history only where something changed, and survives a failing listener', async () => {
      const { service, store, programs, logger } = setup();
      await programs.reload();
      const told: Array<{ entityRef: string; changed: boolean }> = [];
      service.onScorecardsWritten(() => {
        throw new Error('listener down');
      });
      service.onScorecardsWritten(async writes => {
        for (const write of writes) {
          // Stored before the listeners hear of it.
          const stored = await store.getScorecard(
            write.record.entityRef,
            write.record.programId,
          );
          expect(stored?.scorecard.evaluatedAt).toBe(
            write.record.scorecard.evaluatedAt,
          );
          told.push({
            entityRef: write.record.entityRef,
            changed: write.history !== undefined,
          });
        }
      });
      await service.evaluateAll();
      // In evaluation order: callers before the services they call.
      expect(told).toEqual([
        { entityRef: 'component:default/svc-b', changed: true },
        { entityRef: 'component:default/svc-a', changed: true },
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('listener down'),
      );
      // Nothing changed: nothing written, nobody told.
      await service.evaluateAll();
      expect(told).toHaveLength(2);
      // A refresh on demand writes again, without history (same verdicts).
      await service.refreshEntity('component:default/svc-a');
      expect(told[2]).toEqual({
        entityRef: 'component:default/svc-a',
        changed: false,
      });
    });

    it('evaluates a caller before the service it calls, so one run sees its new phase', async () => {
      const { service, store, programs } = setup({
        mutate: entities => {
          const svcA = entities.find(e => e.metadata.name === 'svc-a')!;
          const svcB = entities.find(e => e.metadata.name === 'svc-b')!;
          svcA.relations = [
            ...(svcA.relations ?? []).filter(r => r.type !== 'dependencyOf'),
            { type: 'dependsOn', targetRef: 'component:default/svc-b' },
          ];
          svcB.relations = [
            ...(svcB.relations ?? []),
            { type: 'dependencyOf', targetRef: 'component:default/svc-a' },
          ];
        },
      });
      await programs.reload();
      // svc-a reaches pilot with its on-call attestation; it calls svc-b.
      await store.createAttestation({
        id: 'a-1',
        entityRef: 'component:default/svc-a',
        programId: 'istio-adoption',
        itemId: 'manual.on-call',
        attestedBy: 'user:default/alice',
        role: 'owner',
        attestedAt: '2026-10-01T00:00:00.000Z',
      });
      const first = await service.evaluateAll();
      // Each service once: svc-b's facts already hold svc-a's new phase.
      expect(first).toMatchObject({ evaluated: 2, unchanged: 0 });
      const svcB = await store.getScorecard('component:default/svc-b');
      expect(svcB!.scorecard.phase).toBe('not-started');
      expect(
        (await store.getScorecard('component:default/svc-a'))!.scorecard.phase,
      ).toBe('pilot');
      // ... so the next run finds nothing to do.
      const second = await service.evaluateAll();
      expect(second).toMatchObject({ evaluated: 0, unchanged: 2 });
    });

    describe('a chain of callers', () => {
      // gateway calls checkout, checkout calls payments; the catalog lists
      // them callee first, the worst order for a walk in catalog order.
      const CHAIN = ['payments', 'checkout', 'gateway'];
      const ref = (name: string) => `component:default/${name}`;
      const programWithCallersCheck = TEST_PROGRAM_YAML.replace(
        '  checks:\n',
        `  checks:
    - id: sec.mtls.callers
      title: Every caller is meshed
      rationale: STRICT mTLS rejects callers without a proxy.
      phase: enforce
      severity: required
      evidence: [catalog]
      analyzer: sec.mtls.callers
      remediation: Onboard the callers first.
`,
      );

      function chainSetup(
        providers: (
          snapshot: CatalogSnapshot,
          store: DatabaseStore,
        ) => EvidenceProvider[],
      ) {
        const entities = [
          group('team-a'),
          ...CHAIN.map((name, index) => {
            const entity = component(name, {
              owner: 'team-a',
              repoDir: writeTree(serviceManifests(name)),
              manifests: 'k8s/*.yaml',
              mesh: 'istio',
              dependencyOf:
                index + 1 < CHAIN.length ? [ref(CHAIN[index + 1])] : [],
            });
            if (index > 0) {
              entity.relations!.push({
                type: 'dependsOn',
                targetRef: ref(CHAIN[index - 1]),
              });
            }
            return entity;
          }),
        ];
        const catalog = catalogServiceMock({ entities });
        const auth = mockServices.auth();
        const logger = mockServices.logger.mock();
        const programs = new ProgramRegistry(
          [
            path.join(
              writeTree({ 'istio-adoption.yaml': programWithCallersCheck }),
              'istio-adoption.yaml',
            ),
          ],
          mockServices.urlReader.mock(),
          logger,
        );
        const store = new DatabaseStore(knex, id => programs.get(id));
        const snapshot = new CatalogSnapshot(catalog, auth, store);
        const service = new EvaluationService({
          store,
          programs,
          providers: providers(snapshot, store),
          catalog,
          auth,
          logger,
          // One entity per batch: the abort test stops between batches.
          pageSize: 1,
          beforePass: () => snapshot.invalidate(),
        });
        return { service, store, programs, logger };
      }

      const manifests = new RepositoryManifestsProvider(
        mockServices.urlReader.mock(),
        { ...DEFAULT_MANIFEST_READ_LIMITS, fileRoots: [os.tmpdir()] },
      );
      const onCall = (name: string) => ({
        id: `on-call-${name}`,
        entityRef: ref(name),
        programId: 'istio-adoption',
        itemId: 'manual.on-call',
        attestedBy: 'user:default/alice',
        role: 'owner' as const,
        attestedAt: '2026-10-01T00:00:00.000Z',
      });
      const callersCheck = async (
        store: DatabaseStore,
        name: string,
      ): Promise<string | undefined> =>
        (await store.getScorecard(ref(name)))?.scorecard.checks.find(
          c => c.checkId === 'sec.mtls.callers',
        )?.status;

      afterEach(async () => {
        await knex('mesh_readiness_attestations').delete();
      });

      it('converges in one run when the callers change phase, each service collected once', async () => {
        const collected: string[] = [];
        const counting: EvidenceProvider = {
          id: 'counting',
          source: 'manifests',
          collect: async (_entity, { entityRef }) => {
            collected.push(entityRef);
            return { status: 'ok', facts: {} };
          },
        };
        const { service, store, programs } = chainSetup(snapshot => [
          new CatalogEntityProvider(snapshot),
          new CallerPhasesProvider(snapshot),
          manifests,
          counting,
        ]);
        await programs.reload();
        await service.evaluateAll();
        // Nobody is meshed yet: the callers of checkout and payments are not.
        expect(await callersCheck(store, 'gateway')).toBe('pass');
        expect(await callersCheck(store, 'checkout')).toBe('fail');
        expect(await callersCheck(store, 'payments')).toBe('fail');

        // gateway and checkout reach pilot: both callers change phase.
        await store.createAttestation(onCall('gateway'));
        await store.createAttestation(onCall('checkout'));
        collected.length = 0;
        const run = await service.evaluateAll();
        expect(run).toMatchObject({ evaluated: 3, unchanged: 0, failed: 0 });
        // Callers first, each once.
        expect(collected).toEqual([
          ref('gateway'),
          ref('checkout'),
          ref('payments'),
        ]);
        expect(await callersCheck(store, 'checkout')).toBe('pass');
        expect(await callersCheck(store, 'payments')).toBe('pass');
        const history = await store.listAllHistory({
          entityRefs: [ref('payments')],
        });
        expect(history).toHaveLength(2);

        // Converged: the next run has nothing to do.
        expect(await service.evaluateAll()).toMatchObject({
          evaluated: 0,
          unchanged: 3,
        });
      });

      it('stops between batches when the run is aborted, passing the signal to the providers and keeping whole scorecards', async () => {
        const controller = new AbortController();
        const signals: Array<AbortSignal | undefined> = [];
        const abortingOnce = (store: DatabaseStore): EvidenceProvider => ({
          id: 'aborting',
          source: 'manifests',
          collect: async (_entity, { entityRef, signal }) => {
            signals.push(signal);
            if (entityRef === ref('checkout') && !controller.signal.aborted) {
              // Once gateway's batch is stored, the scheduler cancels the
              // run while checkout's evidence is being collected.
              while (!(await store.getScorecard(ref('gateway')))) {
                await new Promise(resolve => setTimeout(resolve, 5));
              }
              controller.abort(new Error('the task timed out'));
              // A provider that honours the signal gives up: its answer
              // must not become a verdict.
              return { status: 'failed', reason: 'aborted' };
            }
            return { status: 'ok', facts: {} };
          },
        });
        const { service, store, programs, logger } = chainSetup(
          (snapshot, chainStore) => [
            new CatalogEntityProvider(snapshot),
            new CallerPhasesProvider(snapshot),
            manifests,
            abortingOnce(chainStore),
          ],
        );
        await programs.reload();

        await expect(
          service.evaluateAll({ signal: controller.signal }),
        ).rejects.toThrow('the task timed out');
        // Every provider call of the run got the run's signal.
        expect(signals).toHaveLength(2);
        expect(signals.every(s => s === controller.signal)).toBe(true);
        // gateway is stored whole, with its history; nothing of the others.
        const gateway = await store.getScorecard(ref('gateway'));
        expect(gateway?.evidenceComplete).toBe(true);
        expect(gateway?.stale).toBe(false);
        expect(
          await store.listAllHistory({ entityRefs: [ref('gateway')] }),
        ).toHaveLength(1);
        expect(await store.getScorecard(ref('checkout'))).toBeUndefined();
        expect(await store.getScorecard(ref('payments'))).toBeUndefined();
        expect(
          await store.listAllHistory({
            entityRefs: [ref('checkout'), ref('payments')],
          }),
        ).toEqual([]);
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringMatching(
            /^Mesh Readiness evaluation aborted \(the task timed out\) after 1 of 3 batches/,
          ),
        );

        // The next run does the rest.
        expect(await service.evaluateAll()).toMatchObject({
          evaluated: 2,
          unchanged: 1,
        });
      });
    });

    it('re-evaluates everything when the program version changes', async () => {
      const { service, programs, programFile } = setup();
      await programs.reload();
      await service.evaluateAll();
      fs.writeFileSync(
        programFile,
        TEST_PROGRAM_YAML.replace("version: '1.0.0'", "version: '1.1.0'"),
      );
      await programs.reload();
      const run = await service.evaluateAll();
      expect(run).toMatchObject({ evaluated: 2, unchanged: 0 });
    });

    it('keeps the last good scorecard, marked stale, when the repository source fails', async () => {
      let now = new Date('2026-11-01T10:00:00.000Z');
      const { service, store, programs, repoA } = setup({ clock: () => now });
      await programs.reload();
      await service.evaluateAll();
      const good = await store.getScorecard('component:default/svc-a');
      expect(good?.stale).toBe(false);
      const goodStatus = good!.scorecard.checks.find(
        c => c.checkId === 'k8s.svc.protocol',
      )!.status;
      expect(goodStatus).toBe('pass');

      // The repository disappears (host down, path gone).
      fs.rmSync(path.join(repoA, 'k8s'), { recursive: true });
      now = new Date('2026-11-02T10:00:00.000Z');
      const run = await service.evaluateAll();
      expect(run.stale).toBe(1);

      const kept = await store.getScorecard('component:default/svc-a');
      expect(kept?.stale).toBe(true);
      expect(kept?.staleReason).toMatch(/^manifests: no manifest file matches/);
      expect(kept?.staleSince).toBe('2026-11-02T10:00:00.000Z');
      // Same verdict, same evidence, same timestamps as the last good one.
      expect(kept?.scorecard).toEqual(good?.scorecard);
      expect(kept?.scorecard.factsTimestamp).toBe('2026-11-01T10:00:00.000Z');
      // No history row: nothing changed in the verdict.
      expect(
        await store.listAllHistory({ entityRefs: ['component:default/svc-a'] }),
      ).toHaveLength(1);
    });

    it('evaluates with unknown (never fail) when a source fails and no scorecard exists yet', async () => {
      const failing: EvidenceProvider = {
        id: 'broken-repository',
        source: 'manifests',
        collect: async () => {
          throw new Error('connect ECONNREFUSED');
        },
      };
      const { service, store, programs } = setup({ providers: [failing] });
      await programs.reload();
      await service.evaluateAll();
      const record = await store.getScorecard('component:default/svc-a');
      const manifestChecks = record!.scorecard.checks.filter(c =>
        c.evidence.includes('manifests'),
      );
      expect(manifestChecks.map(c => c.status)).toEqual(
        manifestChecks.map(() => 'unknown'),
      );
      expect(manifestChecks[0].summary).toMatch(/ECONNREFUSED/);
    });

    it('uses providers added by modules and tracks how long checks fail', async () => {
      let now = new Date('2026-11-01T00:00:00.000Z');
      const metrics: EvidenceProvider = {
        id: 'test-metrics',
        source: 'metrics',
        collect: async () => ({ status: 'ok', facts: { metrics: {} } }),
      };
      const { service, store, programs } = setup({ clock: () => now });
      await programs.reload();
      await service.evaluateAll();
      const before = await store.getScorecard('component:default/svc-a');
      expect(
        before!.scorecard.checks.find(c => c.checkId === 'sec.mtls.observed')!
          .status,
      ).toBe('not-evaluated');

      const withMetrics = setup({
        clock: () => now,
        providers: [metrics],
      });
      await withMetrics.programs.reload();
      now = new Date('2026-11-03T00:00:00.000Z');
      await withMetrics.service.refreshEntity('component:default/svc-b');
      const after = await store.getScorecard('component:default/svc-b');
      expect(after!.scorecard.notConnected).not.toContain('metrics');
      expect(Object.keys(after!.failingSince).length).toBeGreaterThan(0);
    });

    describe('CI facts export', () => {
      const svcA = 'component:default/svc-a';
      const now = new Date('2026-11-10T00:00:00.000Z');
      const attestation = (
        id: string,
        extra: { expiresAt?: string; revokedAt?: string; programId?: string },
      ) => ({
        id,
        entityRef: svcA,
        programId: 'istio-adoption',
        itemId: 'manual.on-call',
        attestedBy: 'user:default/alice',
        role: 'owner' as const,
        attestedAt: '2026-11-01T00:00:00.000Z',
        ...extra,
      });
      const waiver = (
        id: string,
        state: 'approved' | 'requested',
        expiresAt: string,
      ) => ({
        id,
        entityRef: svcA,
        programId: 'istio-adoption',
        itemId: 'k8s.probes',
        state,
        justification: 'Probes land next sprint',
        requestedBy: 'user:default/alice',
        requestedAt: '2026-11-01T00:00:00.000Z',
        expiresAt,
      });

      // Other tests leave attestations behind; these count exact lists.
      const clearAttestationsAndWaivers = async () => {
        await knex('mesh_readiness_attestations').delete();
        await knex('mesh_readiness_waivers').delete();
      };
      beforeEach(clearAttestationsAndWaivers);
      afterEach(clearAttestationsAndWaivers);

      it('exports only what is in force and the catalog facts the evaluation uses', async () => {
        const { service, store, programs } = setup({ clock: () => now });
        await programs.reload();
        await store.createAttestation(attestation('in-force', {}));
        await store.createAttestation(
          attestation('expired', { expiresAt: '2026-11-09T00:00:00.000Z' }),
        );
        await store.createAttestation(
          attestation('revoked', { revokedAt: '2026-11-02T00:00:00.000Z' }),
        );
        await store.createAttestation(
          attestation('other-program', { programId: 'linkerd-adoption' }),
        );
        await store.createWaiver(
          waiver('approved', 'approved', '2026-12-01T00:00:00.000Z'),
        );
        await store.createWaiver(
          waiver('requested', 'requested', '2026-12-01T00:00:00.000Z'),
        );
        await store.createWaiver(
          waiver('past', 'approved', '2026-11-05T00:00:00.000Z'),
        );
        await service.evaluateAll();

        const exported = await service.exportCiFacts(svcA);
        expect(exported?.program?.metadata.name).toBe('istio-adoption');
        const ciFacts = (exported as { ciFacts: any }).ciFacts;
        expect(ciFacts.entityRef).toBe(svcA);
        expect(ciFacts.programId).toBe('istio-adoption');
        expect(ciFacts.exportedAt).toBe(now.toISOString());
        expect(ciFacts.attestations.map((a: any) => a.id)).toEqual([
          'in-force',
        ]);
        expect(ciFacts.waivers.map((w: any) => w.id)).toEqual(['approved']);
        // The caller's phase is the one stored by the evaluation.
        const svcB = await store.getScorecard('component:default/svc-b');
        expect(ciFacts.catalog).toEqual({
          ownerIsGroup: true,
          callers: [
            {
              entityRef: 'component:default/svc-b',
              phase: svcB!.scorecard.phase,
              meshed: svcB!.scorecard.phase !== 'not-started',
            },
          ],
        });
      });

      it('tells unknown entities and entities without a program apart', async () => {
        const { service, programs } = setup({ clock: () => now });
        await programs.reload();
        expect(
          await service.exportCiFacts('component:default/nope'),
        ).toBeUndefined();
        const library = await service.exportCiFacts('component:default/lib-x');
        expect(library?.entity.metadata.name).toBe('lib-x');
        expect(library?.program).toBeUndefined();
      });

      it('fails rather than export partial catalog facts when the catalog source fails', async () => {
        const failing: EvidenceProvider = {
          id: 'broken-catalog',
          source: 'catalog',
          collect: async () => ({ status: 'failed', reason: 'catalog down' }),
        };
        const { service, programs } = setup({ providers: [failing] });
        await programs.reload();
        await expect(service.exportCiFacts(svcA)).rejects.toThrow(
          'broken-catalog: catalog down',
        );
      });
    });
  });
});
