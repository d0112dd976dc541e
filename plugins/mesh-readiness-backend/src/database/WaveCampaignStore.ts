import type { Knex } from 'knex';

const SCORECARDS = 'mesh_readiness_scorecards';
const HISTORY = 'mesh_readiness_history';
const ATTESTATIONS = 'mesh_readiness_attestations';
const WAIVERS = 'mesh_readiness_waivers';

/**
 * Who is in a wave of one program, as the database can match it: the
 * current scorecards of that program whose entity the wave lists, or whose
 * owner is one of `owners` (the wave's groups with their descendants), all
 * refs in full form. `phasesAtTarget` are the phases at or beyond the
 * wave's target.
 */
export interface WaveScope {
  programId: string;
  entityRefs: string[];
  owners: string[];
  phasesAtTarget: string[];
}

/** What changed on one UTC day among the wave's current members. */
export interface CampaignDayDelta {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Members first evaluated on this day (they entered the history). */
  entered: number;
  /** Members that reached the target minus those that fell below it. */
  reached: number;
}

/** A member below the target, as listed. */
export type CampaignMemberRecord = {
  entityRef: string;
  title?: string;
  owner?: string;
  phase: string;
  /** Required checks failing or unknown. */
  failingChecks: number;
};

export type CampaignActivityKind = 'change' | 'attestation' | 'waiver';

// Type aliases, not interfaces: the typed router's response types have
// index signatures, which only aliases satisfy implicitly.
export type CampaignActivityRecord = {
  at: string;
  kind: CampaignActivityKind;
};

/** Members of one owner, counted. */
export type CampaignOwnerRecord = {
  /** Absent for members without an owner. */
  owner?: string;
  inScope: number;
  atTarget: number;
};

const toCount = (value: unknown) => Number(value ?? 0);

/**
 * The campaign view's reads over the scorecards, history, attestations and
 * waivers tables. Every statement aggregates in the database or is bounded
 * by a page: a wave of 10,000 services never brings its history rows into
 * the backend, only one row per day (burn-up) or per owner.
 */
export class WaveCampaignStore {
  constructor(private readonly db: Knex) {}

  /** `column in (values)`, or false for an empty list. */
  private inList(column: string, values: string[]): Knex.Raw {
    return values.length === 0
      ? this.db.raw('1 = 0')
      : this.db.raw(`?? in (${values.map(() => '?').join(', ')})`, [
          column,
          ...values,
        ]);
  }

  /** 1 when `column` holds a phase at or beyond the target, else 0. */
  private atTarget(column: string, scope: WaveScope): Knex.Raw {
    return this.db.raw('case when ? then 1 else 0 end', [
      this.inList(column, scope.phasesAtTarget),
    ]);
  }

  /** The current scorecards of the wave's members. */
  private members(scope: WaveScope): Knex.QueryBuilder {
    return this.db(SCORECARDS)
      .where('program_id', scope.programId)
      .where(q =>
        q
          .whereIn('entity_ref', scope.entityRefs)
          .orWhereIn('owner', scope.owners),
      );
  }

  /** Members now, and of them those at the target. */
  async count(scope: WaveScope): Promise<{ total: number; atTarget: number }> {
    const [row] = await this.members(scope).select(
      this.db.raw('count(*) as total'),
      this.db.raw('sum(?) as at_target', [this.atTarget('phase', scope)]),
    );
    return { total: toCount(row?.total), atTarget: toCount(row?.at_target) };
  }

  /**
   * Per UTC day with a change, oldest first: members entering the history
   * (their first evaluation, the row without a previous phase) and the net
   * number reaching the target. One statement, one pass over the members'
   * rows: only rows that enter or cross the target are summed (a check
   * change or a move between two phases on the same side of the target
   * changes neither count), and the database answers one row per day
   * whatever the number of rows behind it. A member whose first rows were
   * pruned never enters: it counts as in scope from the start.
   */
  async dailyDeltas(scope: WaveScope): Promise<CampaignDayDelta[]> {
    const reached = this.atTarget('phase', scope);
    const reachedBefore = this.atTarget('previous_phase', scope);
    const rows: Array<{ day: string; entered: unknown; reached: unknown }> =
      await this.db(HISTORY)
        .select(
          this.db.raw('substr(at, 1, 10) as day'),
          this.db.raw(
            'sum(case when previous_phase is null then 1 else 0 end) as entered',
          ),
          this.db.raw('sum(? - ?) as reached', [reached, reachedBefore]),
        )
        .where('program_id', scope.programId)
        .whereIn('entity_ref', this.members(scope).select('entity_ref'))
        .where(q =>
          q
            .whereNull('previous_phase')
            .orWhereRaw('? <> ?', [reached, reachedBefore]),
        )
        .groupByRaw('substr(at, 1, 10)')
        .orderByRaw('substr(at, 1, 10)');
    return rows.map(row => ({
      day: row.day,
      entered: toCount(row.entered),
      reached: toCount(row.reached),
    }));
  }

  /**
   * One page of the members below the target, furthest behind first (by
   * `phaseOrder`, unknown phases first), then most failing required
   * checks, then entity ref; with how many there are in all.
   */
  async behind(
    scope: WaveScope,
    phaseOrder: string[],
    limit: number,
  ): Promise<{ items: CampaignMemberRecord[]; totalCount: number }> {
    const below = () =>
      this.members(scope).whereRaw('not (?)', [
        this.inList('phase', scope.phasesAtTarget),
      ]);
    // The ranks are the loop's own integers, written into the statement;
    // the phases are bound.
    const rank = phaseOrder.length
      ? this.db.raw(
          `case ${phaseOrder
            .map((_phase, i) => `when phase = ? then ${i}`)
            .join(' ')} else -1 end`,
          phaseOrder,
        )
      : this.db.raw('0');
    const [[countRow], rows] = await Promise.all([
      below().count({ count: '*' }),
      below()
        .select('entity_ref', 'title', 'owner', 'phase', 'failing_checks')
        .orderByRaw('? asc, failing_checks desc, entity_ref asc', [rank])
        .limit(limit),
    ]);
    return {
      totalCount: toCount((countRow as { count: unknown }).count),
      items: (
        rows as Array<{
          entity_ref: string;
          title: string | null;
          owner: string | null;
          phase: string;
          failing_checks: unknown;
        }>
      ).map(row => ({
        entityRef: row.entity_ref,
        ...(row.title ? { title: row.title } : {}),
        ...(row.owner ? { owner: row.owner } : {}),
        phase: row.phase,
        failingChecks: toCount(row.failing_checks),
      })),
    };
  }

  /**
   * The latest activity of each of these entities under the program: a
   * history row (phase or check change), an attestation made or revoked,
   * a waiver requested or decided. Three grouped statements, bounded by
   * the number of refs (one page of the behind list).
   */
  async lastActivity(
    programId: string,
    entityRefs: string[],
  ): Promise<Map<string, CampaignActivityRecord>> {
    const latest = new Map<string, CampaignActivityRecord>();
    if (entityRefs.length === 0) return latest;
    const scoped = (table: string) =>
      this.db(table)
        .where('program_id', programId)
        .whereIn('entity_ref', entityRefs)
        .groupBy('entity_ref');
    const [changes, attestations, waivers] = await Promise.all([
      scoped(HISTORY).select('entity_ref', this.db.raw('max(at) as a')),
      scoped(ATTESTATIONS).select(
        'entity_ref',
        this.db.raw('max(attested_at) as a'),
        this.db.raw('max(revoked_at) as b'),
      ),
      scoped(WAIVERS).select(
        'entity_ref',
        this.db.raw('max(requested_at) as a'),
        this.db.raw('max(decided_at) as b'),
      ),
    ]);
    const note = (
      rows: Array<{ entity_ref: string; a: string | null; b?: string | null }>,
      kind: CampaignActivityKind,
    ) => {
      for (const row of rows) {
        for (const at of [row.a, row.b]) {
          if (!at) continue;
          const known = latest.get(row.entity_ref);
          if (!known || at > known.at) latest.set(row.entity_ref, { at, kind });
        }
      }
    };
    note(changes, 'change');
    note(attestations, 'attestation');
    note(waivers, 'waiver');
    return latest;
  }

  /** Members per owner, most behind first, then by owner (no owner last). */
  async owners(scope: WaveScope): Promise<CampaignOwnerRecord[]> {
    const rows: Array<{
      owner: string | null;
      in_scope: unknown;
      at_target: unknown;
    }> = await this.members(scope)
      .select(
        'owner',
        this.db.raw('count(*) as in_scope'),
        this.db.raw('sum(?) as at_target', [this.atTarget('phase', scope)]),
      )
      .groupBy('owner');
    return rows
      .map(row => ({
        ...(row.owner ? { owner: row.owner } : {}),
        inScope: toCount(row.in_scope),
        atTarget: toCount(row.at_target),
      }))
      .sort(
        (a, b) =>
          b.inScope - b.atTarget - (a.inScope - a.atTarget) ||
          (a.owner === undefined ? 1 : 0) - (b.owner === undefined ? 1 : 0) ||
          (a.owner ?? '').localeCompare(b.owner ?? ''),
      );
  }
}
