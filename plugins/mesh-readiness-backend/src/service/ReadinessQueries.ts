import type { Entity } from '@backstage/catalog-model';
import {
  NOT_STARTED_PHASE,
  phaseReached,
  groupAncestryOf,
  tryNormalizeEntityRef,
  waiverInForce,
  waveTargetOf,
  type Attestation,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  AttestationFilter,
  HistoryRecord,
  MentorNote,
  RollupFilter,
  ScorecardFilter,
  ScorecardRecord,
  ScorecardSummaryRecord,
  Store,
  WaveMemberFilter,
  WaveMembers,
} from '../database/Store';
import type { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import type { ClusterObservationTimes } from '../evidence/ClusterObservationTimes';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { groupWithDescendants, mentorsOf } from './OrgModel';

const DAY_MS = 24 * 60 * 60 * 1000;
const REGRESSION_WINDOW_DAYS = 30;
const MAX_BLOCKERS = 10;
const MAX_TOP_FAILING = 10;

// Type aliases, not interfaces: the typed router's response types have
// index signatures, which only aliases satisfy implicitly.
export type PhaseCount = {
  phase: string;
  count: number;
};

export type WaveProgress = {
  id: string;
  title: string;
  programId: string;
  targetPhase: string;
  dueDate: string;
  total: number;
  atTarget: number;
  ratio: number;
};

/** One owner's services, counted (a row of the teams table). */
export type TeamRollup = {
  /** Absent for services without an owner. */
  owner?: string;
  services: number;
  /** Phase order of the programs asked for, with the services in each. */
  phases: PhaseCount[];
  failingChecks: number;
  stale: number;
};

/** The API shape of a summary row. */
export function toScorecardSummary(row: ScorecardSummaryRecord) {
  return {
    entityRef: row.entityRef,
    ...(row.title ? { title: row.title } : {}),
    programId: row.programId,
    programVersion: row.programVersion,
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.system ? { system: row.system } : {}),
    phase: row.phase,
    ...(row.nextPhase ? { nextPhase: row.nextPhase } : {}),
    progress: row.progress,
    failingChecks: row.failingChecks,
    stale: row.stale,
    ...(row.staleReason ? { staleReason: row.staleReason } : {}),
    evaluatedAt: row.evaluatedAt,
    factsTimestamp: row.factsTimestamp,
  };
}

/** The API shape of a stored scorecard. */
export function toStoredScorecard(record: ScorecardRecord) {
  return {
    entityRef: record.entityRef,
    programId: record.programId,
    ...(record.owner ? { owner: record.owner } : {}),
    stale: record.stale,
    ...(record.staleReason ? { staleReason: record.staleReason } : {}),
    ...(record.staleSince ? { staleSince: record.staleSince } : {}),
    checkedAt: record.checkedAt,
    scorecard: record.scorecard,
  };
}

export function toHistoryEntry(record: HistoryRecord) {
  return {
    id: record.id ?? '',
    entityRef: record.entityRef,
    programId: record.programId,
    programVersion: record.programVersion,
    at: record.at,
    phase: record.phase,
    ...(record.previousPhase ? { previousPhase: record.previousPhase } : {}),
    changes: record.changes.map(change => ({
      itemId: change.itemId,
      ...(change.from !== undefined ? { from: change.from } : {}),
      to: change.to,
    })),
  };
}

/** Refs of a wave list in canonical form; one that does not parse matches nothing. */
function refsOf(refs: string[] | undefined, defaultKind: string): string[] {
  return (refs ?? []).flatMap(ref => {
    const full = tryNormalizeEntityRef(ref, defaultKind);
    return full ? [full] : [];
  });
}

function utcDay(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Read models over the stored scorecards: group roll-ups, the organisation
 * summary and its trend, CSV export, mentors. Everything is computed from
 * bulk reads (a handful of statements per request, whatever the size of the
 * group).
 */
export class ReadinessQueries {
  constructor(
    private readonly store: Store,
    private readonly programs: ProgramRegistry,
    private readonly snapshot: CatalogSnapshot,
    private readonly clock: () => Date = () => new Date(),
    /** Brings the cluster origins' observation times up to date. */
    private readonly observationTimes?: ClusterObservationTimes,
  ) {}

  /** Phase ids in order, `not-started` first, across the given programs. */
  phaseOrder(programs: Program[]): string[] {
    const order = [NOT_STARTED_PHASE];
    for (const program of programs) {
      for (const phase of program.spec.phases) {
        if (!order.includes(phase.id)) order.push(phase.id);
      }
    }
    return order;
  }

  private programsFor(programId?: string): Program[] {
    if (programId) {
      const program = this.programs.get(programId);
      return program ? [program] : [];
    }
    return this.programs.programs();
  }

  /**
   * Counts per phase in the given order (phases without services
   * included), then any phase the order does not know.
   */
  private distribution(
    counts: Array<{ phase: string; count: number }>,
    order: string[],
  ): PhaseCount[] {
    const byPhase = new Map<string, number>(order.map(phase => [phase, 0]));
    for (const { phase, count } of counts)
      byPhase.set(phase, (byPhase.get(phase) ?? 0) + count);
    return [...byPhase].map(([phase, count]) => ({ phase, count }));
  }

  /**
   * Who is in a wave, as the database can match it, by common's wave rule
   * (`waveMembership`): a service is in a wave that lists it, or lists its
   * owner or an ancestor of its owner — so the wave's owners are its groups
   * with all their descendants.
   */
  private waveMemberFilter(
    wave: Program['spec']['waves'][number],
    groups: Map<string, Entity>,
  ): WaveMemberFilter {
    return {
      entityRefs: refsOf(wave.entities, 'component'),
      owners: [
        ...new Set(
          refsOf(wave.groups, 'group').flatMap(group =>
            groupWithDescendants(group, groups),
          ),
        ),
      ],
    };
  }

  /**
   * The members of a wave of a program as a scorecard filter (the
   * drill-down of a wave's progress), or undefined when the program has no
   * such wave.
   */
  async waveMembers(
    program: Program,
    waveId: string,
  ): Promise<WaveMemberFilter | undefined> {
    const wave = program.spec.waves.find(w => w.id === waveId);
    if (!wave) return undefined;
    return this.waveMemberFilter(wave, await this.snapshot.allGroups());
  }

  /**
   * Progress of every wave of the programs, counted by the database within
   * the scope when given (owners, Systems). Membership is
   * {@link ReadinessQueries.waveMembers}; a member has reached the wave's
   * target when its phase is one of those common's `phaseReached` accepts.
   * Waves without members are left out; the rest are ordered by due date.
   */
  private async waveProgress(
    programs: Program[],
    scope: Omit<RollupFilter, 'programId'> = {},
  ): Promise<WaveProgress[]> {
    const groups = await this.snapshot.allGroups();
    const waves: WaveProgress[] = [];
    for (const program of programs) {
      const order = this.phaseOrder([program]);
      const programWaves = program.spec.waves;
      const members: WaveMembers[] = programWaves.map(wave => ({
        ...this.waveMemberFilter(wave, groups),
        phasesAtTarget: order.filter(phase =>
          phaseReached(program, phase, wave.targetPhase),
        ),
      }));
      const counts = await this.store.countWaveMembers(
        { ...scope, programId: program.metadata.name },
        members,
      );
      programWaves.forEach((wave, i) => {
        const { total, atTarget } = counts[i];
        if (total === 0) return;
        waves.push({
          id: wave.id,
          title: wave.title,
          programId: program.metadata.name,
          targetPhase: wave.targetPhase,
          dueDate: wave.dueDate,
          total,
          atTarget,
          ratio: atTarget / total,
        });
      });
    }
    return waves.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  }

  private checkInfo(programs: Program[], checkId: string) {
    for (const program of programs) {
      const check = program.spec.checks.find(c => c.id === checkId);
      if (check) return { title: check.title, phase: check.phase };
    }
    return { title: checkId, phase: '' };
  }

  /** The start of the regressions' window, as stored history times. */
  private regressionWindowStart(): string {
    return new Date(
      this.clock().getTime() - REGRESSION_WINDOW_DAYS * DAY_MS,
    ).toISOString();
  }

  /**
   * The phase drops among `transitions` (history rows that moved from one
   * phase to another) of the services in `current`, newest first. Only
   * current members count, so a service that left a group or a System
   * takes its drops with it.
   */
  private regressionsOf(
    transitions: HistoryRecord[],
    current: Set<string>,
    order: string[],
  ) {
    return (
      transitions
        .filter(
          h =>
            current.has(h.entityRef) &&
            h.previousPhase !== undefined &&
            order.indexOf(h.phase) < order.indexOf(h.previousPhase),
        )
        // Read in chunks of entity refs, so each chunk is in time order but
        // the whole is not: sort it, the latest stored row first on a tie.
        .sort(
          (a, b) =>
            b.at.localeCompare(a.at) || Number(b.id ?? 0) - Number(a.id ?? 0),
        )
        .map(h => ({
          entityRef: h.entityRef,
          programId: h.programId,
          fromPhase: h.previousPhase!,
          toPhase: h.phase,
          at: h.at,
        }))
    );
  }

  /** The group's ref and mentors, or undefined when it is not a known Group. */
  async group(groupRef: string) {
    const groups = await this.snapshot.allGroups();
    const group = groups.get(groupRef);
    if (!group) return undefined;
    return {
      entity: group,
      mentors: mentorsOf(group),
      groups: groupWithDescendants(groupRef, groups),
    };
  }

  async groupRollup(groupRef: string, programId?: string) {
    const group = await this.group(groupRef);
    if (!group) return undefined;
    const programs = this.programsFor(programId);
    const scope = { owners: group.groups, programId };
    const order = this.phaseOrder(programs);
    // Independent reads: on PostgreSQL they overlap on the pool's
    // connections instead of waiting for one another.
    const [rows, blockers, phaseCounts, waves, history] = await Promise.all([
      this.store.listAllScorecards(scope),
      this.store.listBlockers(scope, MAX_BLOCKERS),
      this.store.countPhases(scope),
      this.waveProgress(programs, { owners: group.groups }),
      // By owner at the time of the change: one indexed range per group.
      this.store.listAllHistory({
        owners: group.groups,
        programId,
        since: this.regressionWindowStart(),
        phaseTransitionsOnly: true,
        withoutChanges: true,
      }),
    ]);
    const regressions = this.regressionsOf(
      history,
      new Set(rows.map(r => r.entityRef)),
      order,
    );

    return {
      groupRef,
      groups: group.groups,
      mentors: group.mentors,
      services: rows.map(toScorecardSummary),
      phaseDistribution: this.distribution(phaseCounts, order),
      waves,
      blockers: blockers.map(b => ({
        checkId: b.checkId,
        ...this.checkInfo(programs, b.checkId),
        entityRefs: b.entityRefs,
        failingSince: b.failingSince,
      })),
      regressions,
    };
  }

  /**
   * The roll-up of the entities of some Systems (one System's, or a
   * Domain's), counted by the database like a group's: the services with
   * phase and progress, the phase distribution, the checks failing most
   * often, the blockers, the waves' progress and the regressions of the
   * last REGRESSION_WINDOW_DAYS.
   */
  private async systemsRollup(systems: string[], programId?: string) {
    const programs = this.programsFor(programId);
    const scope = { systems, programId };
    const order = this.phaseOrder(programs);
    const [rows, phaseCounts, topFailing, blockers, waves] = await Promise.all([
      this.store.listAllScorecards(scope),
      this.store.countPhases(scope),
      this.store.countFailingChecks(scope, MAX_TOP_FAILING),
      this.store.listBlockers(scope, MAX_BLOCKERS),
      this.waveProgress(programs, { systems }),
    ]);
    // History rows do not record the System, so the current services' rows
    // are read by entity ref once the scorecards named them: an indexed read
    // (by entity, or by time when the refs are much of the organisation).
    const current = new Set(rows.map(r => r.entityRef));
    const history =
      current.size === 0
        ? []
        : await this.store.listAllHistory({
            entityRefs: [...current],
            programId,
            since: this.regressionWindowStart(),
            phaseTransitionsOnly: true,
            withoutChanges: true,
          });
    return {
      services: rows.map(toScorecardSummary),
      phaseDistribution: this.distribution(phaseCounts, order),
      topFailingChecks: topFailing.map(({ checkId, count }) => ({
        checkId,
        ...this.checkInfo(programs, checkId),
        count,
      })),
      blockers: blockers.map(b => ({
        checkId: b.checkId,
        ...this.checkInfo(programs, b.checkId),
        entityRefs: b.entityRefs,
        failingSince: b.failingSince,
      })),
      waves,
      regressions: this.regressionsOf(history, current, order),
    };
  }

  /** The roll-up of a System's entities (those whose `spec.system` it is). */
  async systemRollup(
    system: { ref: string; title?: string; owner?: string; domain?: string },
    programId?: string,
  ) {
    return {
      systemRef: system.ref,
      ...(system.title ? { title: system.title } : {}),
      ...(system.owner ? { owner: system.owner } : {}),
      ...(system.domain ? { domain: system.domain } : {}),
      ...(await this.systemsRollup([system.ref], programId)),
    };
  }

  /** The roll-up of the entities of a Domain's Systems, subdomains included. */
  async domainRollup(
    domain: {
      ref: string;
      title?: string;
      owner?: string;
      subdomains: string[];
      systems: string[];
    },
    programId?: string,
  ) {
    return {
      domainRef: domain.ref,
      ...(domain.title ? { title: domain.title } : {}),
      ...(domain.owner ? { owner: domain.owner } : {}),
      subdomains: domain.subdomains,
      systems: domain.systems,
      ...(await this.systemsRollup(domain.systems, programId)),
    };
  }

  /**
   * One page of the teams table: per owner, the services with their phases,
   * failing required checks and stale verdicts, ordered by owner (services
   * without an owner last).
   */
  async teams(
    programId: string | undefined,
    page: { offset: number; limit: number },
  ) {
    const order = this.phaseOrder(this.programsFor(programId));
    const found = await this.store.listTeamRollups({ programId }, page);
    const items: TeamRollup[] = found.items.map(team => ({
      ...(team.owner ? { owner: team.owner } : {}),
      services: team.services,
      phases: this.distribution(
        Object.entries(team.phases).map(([phase, count]) => ({
          phase,
          count,
        })),
        order,
      ),
      failingChecks: team.failingChecks,
      stale: team.stale,
    }));
    return {
      ...(programId ? { programId } : {}),
      items,
      totalCount: found.totalCount,
    };
  }

  /**
   * Phases per day over the last `days` days: today's counts, with the
   * changes made after each day undone; only the entities changed in the
   * window are followed one by one.
   */
  private async trend(
    programId: string | undefined,
    days: number,
    order: string[],
    phaseCounts: Array<{ phase: string; count: number }>,
    now: Date,
  ): Promise<Array<{ date: string; phases: PhaseCount[] }>> {
    const firstDay = new Date(now.getTime() - (days - 1) * DAY_MS);
    firstDay.setUTCHours(0, 0, 0, 0);
    const changes = await this.store.listAllHistory({
      programId,
      since: firstDay.toISOString(),
      phaseChangesOnly: true,
      withoutChanges: true,
    });
    const keyOf = (r: { entityRef: string; programId: string }) =>
      `${r.entityRef}\u0000${r.programId}`;
    const phaseOf = new Map<string, string>();
    if (changes.length > 0) {
      const changed = new Set(changes.map(keyOf));
      const states = await this.store.getScorecardStates(
        [...new Set(changes.map(c => c.entityRef))],
        programId,
      );
      for (const state of states) {
        if (changed.has(keyOf(state))) phaseOf.set(keyOf(state), state.phase);
      }
    }
    const counts = new Map(
      this.distribution(phaseCounts, order).map(c => [c.phase, c.count]),
    );
    const trend: Array<{ date: string; phases: PhaseCount[] }> = [];
    let cursor = changes.length - 1;
    for (let d = 0; d < days; d++) {
      const day = new Date(now.getTime() - d * DAY_MS);
      const date = utcDay(day.toISOString());
      // Undo every change made after this day ended.
      while (cursor >= 0 && utcDay(changes[cursor].at) > date) {
        const change = changes[cursor];
        const key = keyOf(change);
        const phase = phaseOf.get(key);
        if (phase !== undefined) counts.set(phase, counts.get(phase)! - 1);
        if (change.previousPhase === undefined) {
          phaseOf.delete(key);
        } else {
          phaseOf.set(key, change.previousPhase);
          counts.set(
            change.previousPhase,
            (counts.get(change.previousPhase) ?? 0) + 1,
          );
        }
        cursor -= 1;
      }
      trend.push({
        date,
        // The programs' phases always; another phase only while it counts.
        phases: [...counts]
          .filter(([phase, count]) => count > 0 || order.includes(phase))
          .map(([phase, count]) => ({ phase, count })),
      });
    }
    trend.reverse();
    return trend;
  }

  async orgSummary(programId: string | undefined, days: number) {
    const programs = this.programsFor(programId);
    const order = this.phaseOrder(programs);
    const phaseCounts = await this.store.countPhases({ programId });
    const now = this.clock();

    // Independent reads: on PostgreSQL they overlap on the pool's
    // connections instead of waiting for one another.
    const [trend, topFailing, waivers, waves] = await Promise.all([
      this.trend(programId, days, order, phaseCounts, now),
      this.store.countFailingChecks({ programId }, MAX_TOP_FAILING),
      this.store.listWaivers({
        programId,
        states: ['requested', 'approved'],
      }),
      this.waveProgress(programs),
    ]);
    const in30Days = new Date(now.getTime() + 30 * DAY_MS).toISOString();
    const activeApproved = waivers.filter(w => waiverInForce(w, now.getTime()));

    return {
      ...(programId ? { programId } : {}),
      totalEntities: phaseCounts.reduce((sum, c) => sum + c.count, 0),
      staleEntities: phaseCounts.reduce((sum, c) => sum + c.stale, 0),
      funnel: this.distribution(phaseCounts, order),
      trend,
      topFailingChecks: topFailing.map(({ checkId, count }) => ({
        checkId,
        ...this.checkInfo(programs, checkId),
        count,
      })),
      waves,
      waivers: {
        requested: waivers.filter(w => w.state === 'requested').length,
        approved: activeApproved.length,
        expiringWithin30Days: activeApproved.filter(
          w => w.expiresAt <= in30Days,
        ).length,
      },
    };
  }

  /**
   * The organisation view as CSV, one line per service matching the filter
   * (the scorecard list's), with the wave it is measured against by
   * common's wave rule (the one the CLI and the entity page use; child
   * groups count through the catalog's hierarchy), its System and that
   * System's Domain (`domainsOf`, asked once for the Systems of the rows).
   */
  async csv(
    filter: ScorecardFilter = {},
    domainsOf: (
      systemRefs: string[],
    ) => Promise<Map<string, string>> = async () => new Map(),
  ): Promise<string> {
    const [rows, groups] = await Promise.all([
      this.store.listAllScorecards(filter),
      this.snapshot.allGroups(),
    ]);
    const ancestorsOf = groupAncestryOf(groups.values());
    const domainOf = await domainsOf([
      ...new Set(rows.flatMap(row => (row.system ? [row.system] : []))),
    ]);
    const header = [
      'entityRef',
      'title',
      'owner',
      'programId',
      'programVersion',
      'phase',
      'nextPhase',
      'progressPassed',
      'progressTotal',
      'failingRequiredChecks',
      'stale',
      'staleReason',
      'evaluatedAt',
      'waveId',
      'waveTargetPhase',
      'waveDueDate',
      'system',
      'domain',
    ];
    const lines = [header.join(',')];
    for (const row of rows) {
      const program = this.programs.get(row.programId);
      const target = program
        ? waveTargetOf(program, {
            entityRef: row.entityRef,
            ownerRef: row.owner,
            ancestorsOf,
            phase: row.phase,
          })
        : undefined;
      lines.push(
        [
          row.entityRef,
          row.title ?? '',
          row.owner ?? '',
          row.programId,
          row.programVersion,
          row.phase,
          row.nextPhase ?? '',
          String(row.progress.passed),
          String(row.progress.total),
          String(row.failingChecks),
          String(row.stale),
          row.staleReason ?? '',
          row.evaluatedAt,
          target?.wave.id ?? '',
          target?.targetPhase ?? '',
          target?.dueDate ?? '',
          row.system ?? '',
          (row.system && domainOf.get(row.system)) ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  /** A page of scorecard summaries matching the filter, in the API's shape. */
  async scorecardPage(
    filter: ScorecardFilter,
    page: { offset: number; limit: number },
  ) {
    const found = await this.store.listScorecards(filter, page);
    return {
      items: found.items.map(toScorecardSummary),
      totalCount: found.totalCount,
    };
  }

  /**
   * The stored scorecard of an entity under a program, or under the
   * program it was evaluated with last when none is named, with the
   * current observation times of its clusters (see ClusterObservationTimes).
   */
  async scorecard(
    entityRef: string,
    programId?: string,
  ): Promise<ScorecardRecord | undefined> {
    const record = await this.store.getScorecard(entityRef, programId);
    return record && this.observationTimes
      ? this.observationTimes.apply(record)
      : record;
  }

  /** A page of an entity's phase history, newest first. */
  async entityHistory(
    entityRef: string,
    programId: string | undefined,
    page: { offset: number; limit: number },
  ) {
    const found = await this.store.listHistory(
      { entityRefs: [entityRef], programId },
      page,
    );
    return {
      items: found.items.map(toHistoryEntry),
      totalCount: found.totalCount,
    };
  }

  /**
   * A page of the phase history of every entity a group owns (child groups
   * included), or undefined when the group is not a known Group.
   */
  async groupHistory(
    groupRef: string,
    programId: string | undefined,
    page: { offset: number; limit: number },
  ) {
    const group = await this.group(groupRef);
    if (!group) return undefined;
    const rows = await this.store.listAllScorecards({
      owners: group.groups,
      programId,
    });
    if (rows.length === 0) return { items: [], totalCount: 0 };
    const found = await this.store.listHistory(
      { entityRefs: rows.map(r => r.entityRef), programId },
      page,
    );
    return {
      items: found.items.map(toHistoryEntry),
      totalCount: found.totalCount,
    };
  }

  /** Attestations matching the filter. */
  async attestations(filter: AttestationFilter): Promise<Attestation[]> {
    return this.store.listAttestations(filter);
  }

  /** The notes on a group, or undefined when it is not a known Group. */
  async mentorNotes(groupRef: string): Promise<MentorNote[] | undefined> {
    if (!(await this.group(groupRef))) return undefined;
    return this.store.listMentorNotes(groupRef);
  }

  /** Every mentor with the groups they mentor. */
  async mentors(): Promise<Array<{ userRef: string; groups: string[] }>> {
    const byMentor = new Map<string, string[]>();
    for (const [groupRef, group] of await this.snapshot.allGroups()) {
      for (const mentor of mentorsOf(group)) {
        byMentor.set(mentor, [...(byMentor.get(mentor) ?? []), groupRef]);
      }
    }
    return [...byMentor]
      .map(([userRef, groups]) => ({ userRef, groups: groups.sort() }))
      .sort((a, b) => (a.userRef < b.userRef ? -1 : 1));
  }

  async mentorTeams(userRef: string, programId?: string) {
    const groups = await this.snapshot.allGroups();
    const order = this.phaseOrder(this.programsFor(programId));
    const teams = [];
    for (const [groupRef, group] of [...groups].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      if (!mentorsOf(group).includes(userRef)) continue;
      const counts = await this.store.countPhases({
        owners: groupWithDescendants(groupRef, groups),
        programId,
      });
      teams.push({
        groupRef,
        ...(group.metadata.title ? { title: group.metadata.title } : {}),
        services: counts.reduce((sum, c) => sum + c.count, 0),
        phaseDistribution: this.distribution(counts, order),
      });
    }
    return { userRef, teams };
  }
}

/** One CSV cell: quoted when needed; formula-like text defused. */
export function csvCell(value: string): string {
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  if (/[",\r\n]/.test(text)) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}
