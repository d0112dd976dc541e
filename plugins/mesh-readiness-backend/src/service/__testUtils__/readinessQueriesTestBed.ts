import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  groupAncestryOf,
  NOT_STARTED_PHASE,
  phaseReached,
  waveMembership,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../../database/DatabaseStore';
import type {
  HistoryRecord,
  ScorecardRecord,
  ScorecardWrite,
} from '../../database/Store';
import { CatalogSnapshot } from '../../evidence/CatalogSnapshot';
import type { ProgramRegistry } from '../../programs/ProgramRegistry';
import { shippedProgramRegistry } from '../../__testUtils__/shippedPrograms';
import { ReadinessQueries } from '../ReadinessQueries';

/*
 * The test bed of the ReadinessQueries tests: the queries over a test
 * database holding the roll-up fixture, and the same aggregates counted one
 * scorecard at a time in JavaScript, to compare with what the database
 * counts. Wave membership in the counted values is common's rule itself
 * (`waveMembership` with the catalog's group ancestry, `phaseReached`).
 */

const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
});

/**
 * The catalog's groups of the roll-up fixture's owners: payments-api is a
 * child of payments-team, so in its waves and in its roll-up.
 */
export const FIXTURE_GROUPS: Entity[] = [
  group('payments-team', ['payments-api']),
  group('payments-api'),
  group('storefront-team'),
  group('data-team'),
  group('zeta-team'),
];

/**
 * ReadinessQueries over a freshly migrated database holding `writes`, with
 * the shipped programs and a catalog of the fixture's groups and the given
 * further entities.
 */
export async function readinessQueriesOver(
  knex: Knex,
  options: {
    writes: ScorecardWrite[];
    /** Catalog entities besides the fixture's groups (Systems, Domains...). */
    entities?: Entity[];
    /** The queries' clock; by default the real one. */
    now?: Date;
  },
): Promise<{
  queries: ReadinessQueries;
  registry: ProgramRegistry;
  catalog: CatalogService;
}> {
  await migrateDatabase(knex);
  const store = new DatabaseStore(knex);
  await store.writeScorecards(options.writes);
  const registry = await shippedProgramRegistry();
  const catalog = catalogServiceMock({
    entities: [...FIXTURE_GROUPS, ...(options.entities ?? [])],
  });
  const { now } = options;
  const queries = new ReadinessQueries(
    store,
    registry,
    new CatalogSnapshot(catalog, mockServices.auth(), store),
    now ? () => now : undefined,
  );
  return { queries, registry, catalog };
}

/** The programs a query under `programId` counts in: that one, or all. */
export function programsIn(
  registry: ProgramRegistry,
  programId: string | undefined,
): Program[] {
  return programId ? [registry.get(programId)!] : registry.programs();
}

/** Not started first, then each program's phases in their order. */
export function phaseOrder(programs: Program[]): string[] {
  const order = [NOT_STARTED_PHASE];
  for (const p of programs)
    for (const phase of p.spec.phases)
      if (!order.includes(phase.id)) order.push(phase.id);
  return order;
}

/** How many of `phases` stand at each phase of `order`, zeros included. */
export function distribution(phases: string[], order: string[]) {
  const counts = new Map<string, number>(order.map(p => [p, 0]));
  for (const phase of phases) counts.set(phase, (counts.get(phase) ?? 0) + 1);
  return [...counts].map(([phase, count]) => ({ phase, count }));
}

/** A check's title and phase in the first program that has it. */
export function checkInfo(programs: Program[], checkId: string) {
  for (const p of programs) {
    const check = p.spec.checks.find(c => c.id === checkId);
    if (check) return { title: check.title, phase: check.phase };
  }
  return { title: checkId, phase: '' };
}

/** The ten checks failing on most of `rows`, ties by check id. */
export function countedTopFailingChecks(
  programs: Program[],
  rows: ScorecardRecord[],
) {
  const failing = new Map<string, number>();
  for (const r of rows)
    for (const c of r.scorecard.checks)
      if (c.status === 'fail')
        failing.set(c.checkId, (failing.get(c.checkId) ?? 0) + 1);
  return [...failing]
    .map(([checkId, count]) => ({
      checkId,
      ...checkInfo(programs, checkId),
      count,
    }))
    .sort((a, b) => b.count - a.count || (a.checkId < b.checkId ? -1 : 1))
    .slice(0, 10);
}

/**
 * The ten blockers of `rows` (required checks failing or unknown), the
 * longest failing first, then those on most entities.
 */
export function countedBlockers(programs: Program[], rows: ScorecardRecord[]) {
  const found = new Map<
    string,
    { entityRefs: string[]; failingSince: string }
  >();
  for (const r of rows)
    for (const [checkId, since] of Object.entries(r.failingSince)) {
      const b = found.get(checkId) ?? { entityRefs: [], failingSince: since };
      b.entityRefs.push(r.entityRef);
      if (since < b.failingSince) b.failingSince = since;
      found.set(checkId, b);
    }
  return [...found]
    .map(([checkId, b]) => ({
      checkId,
      ...checkInfo(programs, checkId),
      entityRefs: b.entityRefs.sort(),
      failingSince: b.failingSince,
    }))
    .sort(
      (a, b) =>
        a.failingSince.localeCompare(b.failingSince) ||
        b.entityRefs.length - a.entityRefs.length ||
        a.checkId.localeCompare(b.checkId),
    )
    .slice(0, 10);
}

/** The waves with members among `rows`, how many at target, soonest due first. */
export function countedWaves(programs: Program[], rows: ScorecardRecord[]) {
  const ancestorsOf = groupAncestryOf(FIXTURE_GROUPS);
  const found = [];
  for (const program of programs) {
    const programRows = rows.filter(r => r.programId === program.metadata.name);
    for (const wave of program.spec.waves) {
      const members = programRows.filter(r =>
        waveMembership({
          entityRef: r.entityRef,
          ownerRef: r.owner,
          ancestorsOf,
        })(wave),
      );
      if (members.length === 0) continue;
      const atTarget = members.filter(r =>
        phaseReached(program, r.scorecard.phase, wave.targetPhase),
      ).length;
      found.push({
        id: wave.id,
        title: wave.title,
        programId: program.metadata.name,
        targetPhase: wave.targetPhase,
        dueDate: wave.dueDate,
        total: members.length,
        atTarget,
        ratio: atTarget / members.length,
      });
    }
  }
  return found.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
}

/**
 * The phase drops in `history` of the services among `rows`, under
 * `programId` (all programs when absent), within the 30 days before `now`,
 * newest first, as a roll-up lists them.
 */
export function countedRegressions(
  programs: Program[],
  rows: ScorecardRecord[],
  history: HistoryRecord[],
  options: { now: Date; programId?: string },
) {
  const order = phaseOrder(programs);
  const since = new Date(
    options.now.getTime() - 30 * 24 * 60 * 60 * 1000,
  ).toISOString();
  const members = new Set(rows.map(r => r.entityRef));
  return history
    .filter(
      h =>
        members.has(h.entityRef) &&
        (!options.programId || h.programId === options.programId) &&
        h.at >= since &&
        h.previousPhase !== undefined &&
        order.indexOf(h.phase) < order.indexOf(h.previousPhase),
    )
    .sort((a, b) => b.at.localeCompare(a.at))
    .map(h => ({
      entityRef: h.entityRef,
      programId: h.programId,
      fromPhase: h.previousPhase!,
      toPhase: h.phase,
      at: h.at,
    }));
}
