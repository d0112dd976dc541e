import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type {
  Attestation,
  AttestorRole,
  CheckStatus,
  Waiver,
  WaiverState,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  decodeScorecard,
  encodeScorecardAsync,
  fromStoredText,
  inflateStoredScorecard,
  type ProgramLookup,
} from './scorecardCodec';
import * as clusterEvidence from './clusterEvidenceTable';
import type {
  AttestationFilter,
  BlockerRecord,
  ClusterEvidenceKey,
  ClusterEvidenceRecord,
  ClusterEvidenceStatusUpdate,
  ClusterEvidenceWrite,
  ClusterEvidenceWriteOutcome,
  FailingCheckCount,
  HistoryFilter,
  HistoryRecord,
  MentorNote,
  Page,
  PhaseCountRecord,
  RollupFilter,
  ScorecardFilter,
  ScorecardRecord,
  ScorecardState,
  ScorecardSummaryRecord,
  ScorecardWrite,
  Store,
  TeamRollupRecord,
  WaiverFilter,
  WaveCountRecord,
  WaveMembers,
} from './Store';

const SCORECARDS = 'mesh_readiness_scorecards';
const HISTORY = 'mesh_readiness_history';
const ATTESTATIONS = 'mesh_readiness_attestations';
const WAIVERS = 'mesh_readiness_waivers';
const NOTES = 'mesh_readiness_mentor_notes';
const FAILING_CHECKS = 'mesh_readiness_failing_checks';

/*
 * Rows per statement. SQLite allows 32,766 bound variables per statement;
 * a scorecard row binds 22, a history row 8, a ref in `IN (...)` one.
 */
const WRITE_CHUNK = 500;
const IN_CHUNK = 5000;
/*
 * Failing-check rows per insert: knex writes a multi-row insert on SQLite
 * as a compound SELECT, which SQLite limits to 500 terms.
 */
const FAILING_CHECK_CHUNK = 500;
/*
 * Full scorecards read per statement. SQLite (better-sqlite3) runs a query
 * on the event loop's thread: 500 scorecard rows with their blobs in one
 * statement held it for tens of milliseconds.
 */
const SCORECARD_READ_CHUNK = 100;
/*
 * Work on many scorecards (encoding before a write, decoding after a bulk
 * read) gives the event loop a turn after this much synchronous work, in ms.
 * Compression itself runs in libuv's pool: all of a batch is queued at once,
 * so the pool works through it while the loop serves requests (one at a time
 * made each completion wait for a turn of a busy loop, and the codec, not
 * the database, bounded a run).
 */
const CODEC_TURN_MS = 5;

/** Returns a function that yields to the event loop once `budgetMs` passed. */
function loopTurns(budgetMs: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < budgetMs) return;
    await new Promise<void>(resolve => setImmediate(resolve));
    last = performance.now();
  };
}

function isSqlite(knex: Knex): boolean {
  const client = knex.client.config.client;
  return (
    typeof client === 'string' &&
    (client === 'better-sqlite3' || client.includes('sqlite'))
  );
}

/**
 * Connection settings of the plugin's own database. On SQLite (a file the
 * plugin alone uses: Backstage gives each plugin its own database) the
 * journal is a write-ahead log with `synchronous = NORMAL`: a commit
 * appends to the log without syncing the file, which SQLite documents as
 * safe in WAL mode (a power loss may drop the last commits, never corrupt
 * the database); the log is synced at checkpoints. better-sqlite3 runs
 * every statement on the event loop's thread, so the sync of each commit
 * (tens to hundreds of milliseconds on a busy disk) stalled every request
 * of the backend. Readers also no longer wait for a writer. Nothing to do
 * on PostgreSQL.
 */
export async function configureDatabase(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) {
    return;
  }
  // Persistent in the file; an in-memory database keeps its own journal.
  await knex.raw('PRAGMA journal_mode = WAL');
  // Per connection: this one, and any the pool opens later.
  await knex.raw('PRAGMA synchronous = NORMAL');
  knex.client.pool?.on('createSuccess', (_id: unknown, connection: any) => {
    if (typeof connection?.pragma === 'function') {
      connection.pragma('synchronous = NORMAL'); // better-sqlite3
    } else if (typeof connection?.run === 'function') {
      connection.run('PRAGMA synchronous = NORMAL', () => {}); // sqlite3
    }
  });
}

const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-readiness-backend',
  'migrations',
);

/** Runs the plugin's migrations to the latest version. */
export async function migrateDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

type ScorecardRow = {
  entity_ref: string;
  program_id: string;
  kind: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  phase: string;
  next_phase: string | null;
  progress_passed: number;
  progress_total: number;
  program_version: string;
  facts_hash: string;
  failing_checks: number;
  check_statuses: string;
  failing_since: string;
  evidence_complete: boolean | number;
  stale: boolean | number;
  stale_reason: string | null;
  stale_since: string | null;
  facts_timestamp: string;
  evaluated_at: string;
  valid_until: string | null;
  checked_at: string;
  scorecard: Buffer;
};

type HistoryRow = {
  id?: number | string;
  entity_ref: string;
  program_id: string;
  program_version: string;
  owner: string | null;
  at: string;
  phase: string;
  previous_phase: string | null;
  changes: string;
};

type FailingCheckRow = {
  entity_ref: string;
  program_id: string;
  check_id: string;
  owner: string | null;
  system: string | null;
  status: string;
  failing_since: string | null;
};

/**
 * The failing-check rows of a scorecard: every check whose status is
 * `fail`, and every check in `failingSince` (required, failing or
 * unknown). Keep in step with the backfill of migration
 * 20261202_failing_checks.
 */
function failingCheckRows(record: ScorecardRecord): FailingCheckRow[] {
  const statuses = new Map(
    record.scorecard.checks.map(c => [c.checkId, c.status]),
  );
  const ids = new Set([
    ...record.scorecard.checks
      .filter(c => c.status === 'fail')
      .map(c => c.checkId),
    ...Object.keys(record.failingSince),
  ]);
  return [...ids].map(checkId => ({
    entity_ref: record.entityRef,
    program_id: record.programId,
    check_id: checkId,
    owner: record.owner ?? null,
    system: record.system ?? null,
    status: statuses.get(checkId) ?? 'fail',
    failing_since: record.failingSince[checkId] ?? null,
  }));
}

type AttestationRow = {
  id: string;
  entity_ref: string;
  program_id: string;
  item_id: string;
  attested_by: string;
  role: string;
  evidence_url: string | null;
  comment: string | null;
  attested_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  facts_fingerprint: string | null;
  identity_key: string | null;
};

/**
 * What makes two attestations the same statement; the unique index on it
 * (migration 20261202_attestation_identity) stores concurrent identical
 * attestations once. Keep in step with that migration.
 */
export function attestationIdentityKey(attestation: Attestation): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        attestation.entityRef,
        attestation.programId,
        attestation.itemId,
        attestation.attestedBy,
        attestation.role,
        attestation.evidenceUrl ?? null,
        attestation.comment ?? null,
        attestation.factsFingerprint ?? null,
        attestation.expiresAt ?? null,
      ]),
    )
    .digest('hex');
}

type WaiverRow = {
  id: string;
  entity_ref: string;
  program_id: string;
  item_id: string;
  state: string;
  justification: string;
  compensating_control: string | null;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  expires_at: string;
};

/*
 * What a listed row shows; the statuses and failing-since texts stay in the
 * database (roll-ups count them there), which keeps a group's 1,000 rows
 * small on the wire.
 */
const SUMMARY_COLUMNS = [
  'entity_ref',
  'program_id',
  'kind',
  'title',
  'owner',
  'system',
  'phase',
  'next_phase',
  'progress_passed',
  'progress_total',
  'program_version',
  'failing_checks',
  'stale',
  'stale_reason',
  'facts_timestamp',
  'evaluated_at',
];

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value === null || value === undefined ? undefined : value;
}

/** `|id=status|id=status|`: one indexed text column for check filters. */
function encodeCheckStatuses(
  checks: Array<{ checkId: string; status: CheckStatus }>,
): string {
  return `|${checks.map(c => `${c.checkId}=${c.status}`).join('|')}|`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, m => `\\${m}`);
}

/**
 * The row of a scorecard, its compressed form still being produced in
 * libuv's pool.
 */
function toScorecardRow(
  record: ScorecardRecord,
  programs?: ProgramLookup,
): Omit<ScorecardRow, 'scorecard'> & { scorecard: Promise<Buffer> } {
  const s = record.scorecard;
  return {
    entity_ref: record.entityRef,
    program_id: record.programId,
    kind: record.kind,
    title: record.title ?? null,
    owner: record.owner ?? null,
    system: record.system ?? null,
    phase: s.phase,
    next_phase: s.nextPhase ?? null,
    progress_passed: s.progress.passed,
    progress_total: s.progress.total,
    program_version: s.programVersion,
    facts_hash: s.factsHash,
    failing_checks: s.checks.filter(
      c =>
        c.severity === 'required' &&
        (c.status === 'fail' || c.status === 'unknown'),
    ).length,
    check_statuses: encodeCheckStatuses(s.checks),
    failing_since: JSON.stringify(record.failingSince),
    evidence_complete: record.evidenceComplete,
    stale: record.stale,
    stale_reason: record.staleReason ?? null,
    stale_since: record.staleSince ?? null,
    facts_timestamp: s.factsTimestamp,
    evaluated_at: s.evaluatedAt,
    valid_until: s.validUntil ?? null,
    checked_at: record.checkedAt,
    scorecard: encodeScorecardAsync(s, programs?.(s.programId)),
  };
}

/**
 * One scorecard, decoded on the calling thread: a single read is faster
 * without the round trip to libuv's pool (and does not queue behind the
 * compression of a batch being written there).
 */
function fromScorecardRow(
  row: ScorecardRow,
  programs?: ProgramLookup,
): ScorecardRecord {
  return withScorecard(row, decodeScorecard(row.scorecard, programs));
}

function withScorecard(
  row: ScorecardRow,
  scorecard: ScorecardRecord['scorecard'],
): ScorecardRecord {
  return {
    entityRef: row.entity_ref,
    programId: row.program_id,
    kind: row.kind,
    title: orUndefined(row.title),
    owner: orUndefined(row.owner),
    system: orUndefined(row.system),
    failingSince: JSON.parse(row.failing_since),
    evidenceComplete: Boolean(row.evidence_complete),
    stale: Boolean(row.stale),
    staleReason: orUndefined(row.stale_reason),
    staleSince: orUndefined(row.stale_since),
    checkedAt: row.checked_at,
    scorecard,
  };
}

function fromSummaryRow(row: ScorecardRow): ScorecardSummaryRecord {
  const total = Number(row.progress_total);
  const passed = Number(row.progress_passed);
  return {
    entityRef: row.entity_ref,
    programId: row.program_id,
    programVersion: row.program_version,
    kind: row.kind,
    title: orUndefined(row.title),
    owner: orUndefined(row.owner),
    system: orUndefined(row.system),
    phase: row.phase,
    nextPhase: orUndefined(row.next_phase),
    progress: { passed, total, ratio: total === 0 ? 1 : passed / total },
    failingChecks: Number(row.failing_checks),
    stale: Boolean(row.stale),
    staleReason: orUndefined(row.stale_reason),
    factsTimestamp: row.facts_timestamp,
    evaluatedAt: row.evaluated_at,
  };
}

function toHistoryRow(record: HistoryRecord): HistoryRow {
  return {
    entity_ref: record.entityRef,
    program_id: record.programId,
    program_version: record.programVersion,
    owner: record.owner ?? null,
    at: record.at,
    phase: record.phase,
    previous_phase: record.previousPhase ?? null,
    changes: JSON.stringify(record.changes),
  };
}

function fromHistoryRow(row: HistoryRow): HistoryRecord {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    programId: row.program_id,
    programVersion: row.program_version,
    owner: orUndefined(row.owner),
    at: row.at,
    phase: row.phase,
    previousPhase: orUndefined(row.previous_phase),
    changes: row.changes ? JSON.parse(row.changes) : [],
  };
}

function fromAttestationRow(row: AttestationRow): Attestation {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    programId: row.program_id,
    itemId: row.item_id,
    attestedBy: row.attested_by,
    role: row.role as AttestorRole,
    evidenceUrl: orUndefined(row.evidence_url),
    comment: orUndefined(row.comment),
    attestedAt: row.attested_at,
    expiresAt: orUndefined(row.expires_at),
    revokedAt: orUndefined(row.revoked_at),
    factsFingerprint: orUndefined(row.facts_fingerprint),
  };
}

function fromWaiverRow(row: WaiverRow): Waiver {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    programId: row.program_id,
    itemId: row.item_id,
    state: row.state as WaiverState,
    justification: row.justification,
    compensatingControl: orUndefined(row.compensating_control),
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedBy: orUndefined(row.decided_by),
    decidedAt: orUndefined(row.decided_at),
    decisionComment: orUndefined(row.decision_comment),
    expiresAt: row.expires_at,
  };
}

/** {@link Store} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseStore implements Store {
  static async create(options: {
    database: DatabaseService;
    programs?: ProgramLookup;
  }): Promise<DatabaseStore> {
    const knex = await options.database.getClient();
    await configureDatabase(knex);
    if (!options.database.migrations?.skip) {
      await migrateDatabase(knex);
    }
    return new DatabaseStore(knex, options.programs);
  }

  /**
   * @param programs - the programs in force, used to store scorecards
   *   without the texts their program already holds (see scorecardCodec)
   */
  constructor(
    private readonly db: Knex,
    private readonly programs?: ProgramLookup,
  ) {}

  async getScorecardStates(
    entityRefs: string[],
    programId?: string,
  ): Promise<ScorecardState[]> {
    const states: ScorecardState[] = [];
    for (const refs of chunk(entityRefs, IN_CHUNK)) {
      const query = this.db<ScorecardRow>(SCORECARDS)
        .select(
          'entity_ref',
          'program_id',
          'program_version',
          'facts_hash',
          'phase',
          'stale',
          'evaluated_at',
          'valid_until',
        )
        .whereIn('entity_ref', refs);
      if (programId) {
        query.where('program_id', programId);
      }
      for (const row of await query) {
        states.push({
          entityRef: row.entity_ref,
          programId: row.program_id,
          programVersion: row.program_version,
          factsHash: row.facts_hash,
          phase: row.phase,
          stale: Boolean(row.stale),
          evaluatedAt: row.evaluated_at,
          validUntil: orUndefined(row.valid_until),
        });
      }
    }
    return states;
  }

  async getScorecard(
    entityRef: string,
    programId?: string,
  ): Promise<ScorecardRecord | undefined> {
    const query = this.db<ScorecardRow>(SCORECARDS)
      .where('entity_ref', entityRef)
      .orderBy('evaluated_at', 'desc')
      .first();
    if (programId) {
      query.where('program_id', programId);
    }
    const row = await query;
    return row
      ? fromScorecardRow(row as ScorecardRow, this.programs)
      : undefined;
  }

  async getScorecards(
    entityRefs: string[],
    programId?: string,
  ): Promise<ScorecardRecord[]> {
    const records: ScorecardRecord[] = [];
    for (const refs of chunk(entityRefs, SCORECARD_READ_CHUNK)) {
      const query = this.db<ScorecardRow>(SCORECARDS).whereIn(
        'entity_ref',
        refs,
      );
      if (programId) {
        query.where('program_id', programId);
      }
      const rows = (await query) as ScorecardRow[];
      // All inflated in libuv's pool at once; parsed here one by one, with
      // turns of the event loop between.
      const inflating = rows.map(row => inflateStoredScorecard(row.scorecard));
      inflating.forEach(p => p.catch(() => undefined));
      const turn = loopTurns(CODEC_TURN_MS);
      for (let i = 0; i < rows.length; i++) {
        const text = await inflating[i];
        await turn();
        records.push(
          withScorecard(rows[i], fromStoredText(text, this.programs)),
        );
      }
    }
    return records;
  }

  private applyScorecardFilter(
    query: Knex.QueryBuilder,
    filter: ScorecardFilter,
  ): Knex.QueryBuilder {
    if (filter.programId) query.where('program_id', filter.programId);
    if (filter.phase) query.where('phase', filter.phase);
    if (filter.owner) query.where('owner', filter.owner);
    if (filter.owners) query.whereIn('owner', filter.owners);
    if (filter.system) query.where('system', filter.system);
    if (filter.systems) query.whereIn('system', filter.systems);
    const wave = filter.waveMembers;
    if (wave) {
      // A wave without members matches nothing (knex makes an empty IN false).
      query.where(q =>
        q
          .whereIn('entity_ref', wave.entityRefs)
          .orWhereIn('owner', wave.owners),
      );
    }
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    if (filter.kind)
      query.where('kind', filter.kind.toLocaleLowerCase('en-US'));
    if (filter.stale !== undefined) query.where('stale', filter.stale);
    if (filter.checkId) {
      const pattern = filter.checkStatus
        ? `%|${escapeLike(filter.checkId)}=${escapeLike(filter.checkStatus)}|%`
        : `%|${escapeLike(filter.checkId)}=%`;
      query.whereRaw(`check_statuses like ? escape '\\'`, [pattern]);
    } else if (filter.checkStatus) {
      query.whereRaw(`check_statuses like ? escape '\\'`, [
        `%=${escapeLike(filter.checkStatus)}|%`,
      ]);
    }
    return query;
  }

  async listScorecards(
    filter: ScorecardFilter,
    page: { offset: number; limit: number },
  ): Promise<Page<ScorecardSummaryRecord>> {
    const [countRow] = await this.applyScorecardFilter(
      this.db(SCORECARDS).count({ count: '*' }),
      filter,
    );
    const rows = await this.applyScorecardFilter(
      this.db(SCORECARDS).select(SUMMARY_COLUMNS),
      filter,
    )
      .orderBy([
        { column: 'entity_ref', order: 'asc' },
        { column: 'program_id', order: 'asc' },
      ])
      .offset(page.offset)
      .limit(page.limit);
    return {
      items: rows.map((row: ScorecardRow) => fromSummaryRow(row)),
      totalCount: Number((countRow as { count: number | string }).count),
    };
  }

  async listAllScorecards(
    filter: ScorecardFilter,
  ): Promise<ScorecardSummaryRecord[]> {
    const { entityRefs, ...rest } = filter;
    const batches = entityRefs ? chunk(entityRefs, IN_CHUNK) : [undefined];
    const result: ScorecardSummaryRecord[] = [];
    for (const refs of batches) {
      const rows = await this.applyScorecardFilter(
        this.db(SCORECARDS).select(SUMMARY_COLUMNS),
        { ...rest, entityRefs: refs },
      ).orderBy('entity_ref', 'asc');
      for (const row of rows) result.push(fromSummaryRow(row));
    }
    return result;
  }

  async writeScorecards(writes: ScorecardWrite[]): Promise<void> {
    if (writes.length === 0) {
      return;
    }
    // Encoded before the transaction: the compression runs in libuv's pool
    // while the event loop serves requests, and the connection (the only
    // one, on SQLite) is held only for the statements.
    const turn = loopTurns(CODEC_TURN_MS);
    const prepared: Array<ReturnType<typeof toScorecardRow>> = [];
    for (const w of writes) {
      await turn();
      const row = toScorecardRow(w.record, this.programs);
      row.scorecard.catch(() => undefined); // awaited below
      prepared.push(row);
    }
    const scorecardRows: ScorecardRow[] = await Promise.all(
      prepared.map(async row => ({ ...row, scorecard: await row.scorecard })),
    );
    const historyRows = writes.flatMap(w =>
      w.history ? [toHistoryRow(w.history)] : [],
    );
    const failingRows = writes.flatMap(w => failingCheckRows(w.record));
    await this.db.transaction(async tx => {
      for (const rows of chunk(scorecardRows, WRITE_CHUNK)) {
        await tx(SCORECARDS)
          .insert(rows)
          .onConflict(['entity_ref', 'program_id'])
          .merge();
        // The failing checks of these scorecards are replaced as a whole.
        await tx(FAILING_CHECKS)
          .whereIn(
            ['entity_ref', 'program_id'],
            rows.map(row => [row.entity_ref, row.program_id]),
          )
          .delete();
      }
      for (const rows of chunk(historyRows, WRITE_CHUNK)) {
        await tx(HISTORY).insert(rows);
      }
      for (const rows of chunk(failingRows, FAILING_CHECK_CHUNK)) {
        await tx(FAILING_CHECKS).insert(rows);
      }
    });
  }

  async listScorecardPhases(page: {
    after?: { entityRef: string; programId: string };
    limit: number;
  }): Promise<Array<{ entityRef: string; programId: string; phase: string }>> {
    const query = this.db(SCORECARDS)
      .select('entity_ref', 'program_id', 'phase')
      .orderBy([
        { column: 'entity_ref', order: 'asc' },
        { column: 'program_id', order: 'asc' },
      ])
      .limit(page.limit);
    const after = page.after;
    if (after) {
      query.where(q =>
        q
          .where('entity_ref', '>', after.entityRef)
          .orWhere(inner =>
            inner
              .where('entity_ref', after.entityRef)
              .andWhere('program_id', '>', after.programId),
          ),
      );
    }
    const rows = await query;
    return rows.map(row => ({
      entityRef: row.entity_ref,
      programId: row.program_id,
      phase: row.phase,
    }));
  }

  async listScorecardKeys(): Promise<
    Array<{ entityRef: string; programId: string }>
  > {
    const rows = await this.db(SCORECARDS).select('entity_ref', 'program_id');
    return rows.map(row => ({
      entityRef: row.entity_ref,
      programId: row.program_id,
    }));
  }

  async deleteScorecards(
    keys: Array<{ entityRef: string; programId: string }>,
  ): Promise<number> {
    const byProgram = new Map<string, string[]>();
    for (const key of keys) {
      byProgram.set(key.programId, [
        ...(byProgram.get(key.programId) ?? []),
        key.entityRef,
      ]);
    }
    let deleted = 0;
    for (const [programId, refs] of byProgram) {
      for (const part of chunk(refs, IN_CHUNK)) {
        deleted += await this.db.transaction(async (tx): Promise<number> => {
          await tx(FAILING_CHECKS)
            .where('program_id', programId)
            .whereIn('entity_ref', part)
            .delete();
          return await tx(SCORECARDS)
            .where('program_id', programId)
            .whereIn('entity_ref', part)
            .delete();
        });
      }
    }
    return deleted;
  }

  private applyRollupFilter(
    query: Knex.QueryBuilder,
    filter: RollupFilter,
  ): Knex.QueryBuilder {
    if (filter.programId) query.where('program_id', filter.programId);
    if (filter.owners) query.whereIn('owner', filter.owners);
    if (filter.systems) query.whereIn('system', filter.systems);
    return query;
  }

  async countPhases(filter: RollupFilter): Promise<PhaseCountRecord[]> {
    const rows = await this.applyRollupFilter(
      this.db(SCORECARDS).select(
        'phase',
        this.db.raw('count(*) as count'),
        this.db.raw('sum(case when stale then 1 else 0 end) as stale'),
      ),
      filter,
    )
      .groupBy('phase')
      .orderBy('phase', 'asc');
    return rows.map(
      (row: { phase: string; count: unknown; stale: unknown }) => ({
        phase: row.phase,
        count: Number(row.count),
        stale: Number(row.stale),
      }),
    );
  }

  async listTeamRollups(
    filter: { programId?: string },
    page: { offset: number; limit: number },
  ): Promise<Page<TeamRollupRecord>> {
    const scoped = () => this.applyRollupFilter(this.db(SCORECARDS), filter);
    const [countRow] = await this.db
      .count({ count: '*' })
      .from(scoped().select('owner').groupBy('owner').as('owners'));
    // Owners in ref order; scorecards without an owner last.
    const teams: Array<{
      owner: string | null;
      services: unknown;
      failing_checks: unknown;
      stale: unknown;
    }> = await scoped()
      .select(
        'owner',
        this.db.raw('count(*) as services'),
        this.db.raw('sum(failing_checks) as failing_checks'),
        this.db.raw('sum(case when stale then 1 else 0 end) as stale'),
      )
      .groupBy('owner')
      .orderByRaw('case when owner is null then 1 else 0 end, owner')
      .offset(page.offset)
      .limit(page.limit);
    const owners = teams.flatMap(t => (t.owner === null ? [] : [t.owner]));
    const withoutOwner = teams.some(t => t.owner === null);
    const phases: Array<{
      owner: string | null;
      phase: string;
      count: unknown;
    }> =
      teams.length === 0
        ? []
        : await scoped()
            .select('owner', 'phase', this.db.raw('count(*) as count'))
            .where(q => {
              if (owners.length > 0) q.whereIn('owner', owners);
              if (withoutOwner) q.orWhereNull('owner');
            })
            .groupBy('owner', 'phase');
    const byOwner = new Map<string | null, Record<string, number>>();
    for (const row of phases) {
      const counts = byOwner.get(row.owner) ?? {};
      counts[row.phase] = Number(row.count);
      byOwner.set(row.owner, counts);
    }
    return {
      items: teams.map(team => ({
        ...(team.owner === null ? {} : { owner: team.owner }),
        services: Number(team.services),
        failingChecks: Number(team.failing_checks),
        stale: Number(team.stale),
        phases: byOwner.get(team.owner) ?? {},
      })),
      totalCount: Number((countRow as { count: number | string }).count),
    };
  }

  async countWaveMembers(
    filter: RollupFilter & { programId: string },
    waves: WaveMembers[],
  ): Promise<WaveCountRecord[]> {
    if (waves.length === 0) {
      return [];
    }
    const inList = (column: string, values: string[]) =>
      values.length === 0
        ? this.db.raw('1 = 0')
        : this.db.raw(`?? in (${values.map(() => '?').join(', ')})`, [
            column,
            ...values,
          ]);
    const columns = waves.flatMap((wave, i) => {
      const member = this.db.raw('(? or ?)', [
        inList('entity_ref', wave.entityRefs),
        inList('owner', wave.owners),
      ]);
      return [
        this.db.raw(`sum(case when ? then 1 else 0 end) as ??`, [
          member,
          `total_${i}`,
        ]),
        this.db.raw(`sum(case when ? and ? then 1 else 0 end) as ??`, [
          member,
          inList('phase', wave.phasesAtTarget),
          `at_target_${i}`,
        ]),
      ];
    });
    const [row] = await this.applyRollupFilter(
      this.db(SCORECARDS).select(columns),
      filter,
    );
    return waves.map((_wave, i) => ({
      total: Number(row?.[`total_${i}`] ?? 0),
      atTarget: Number(row?.[`at_target_${i}`] ?? 0),
    }));
  }

  async countFailingChecks(
    filter: RollupFilter,
    limit: number,
  ): Promise<FailingCheckCount[]> {
    const rows: Array<{ check_id: string; count: unknown }> =
      await this.applyRollupFilter(
        this.db(FAILING_CHECKS).select(
          'check_id',
          this.db.raw('count(*) as count'),
        ),
        filter,
      )
        .where('status', 'fail')
        .groupBy('check_id')
        .orderByRaw('count(*) desc, check_id asc')
        .limit(limit);
    return rows.map(row => ({
      checkId: row.check_id,
      count: Number(row.count),
    }));
  }

  async listBlockers(
    filter: RollupFilter,
    limit: number,
  ): Promise<BlockerRecord[]> {
    const blocking = () =>
      this.applyRollupFilter(this.db(FAILING_CHECKS), filter).whereNotNull(
        'failing_since',
      );
    const top: Array<{ check_id: string; failing_since: string }> =
      await blocking()
        .select('check_id', this.db.raw('min(failing_since) as failing_since'))
        .groupBy('check_id')
        .orderByRaw('min(failing_since) asc, count(*) desc, check_id asc')
        .limit(limit);
    if (top.length === 0) {
      return [];
    }
    const members: Array<{ check_id: string; entity_ref: string }> =
      await blocking()
        .select('check_id', 'entity_ref')
        .whereIn(
          'check_id',
          top.map(t => t.check_id),
        )
        .orderBy([
          { column: 'entity_ref', order: 'asc' },
          { column: 'program_id', order: 'asc' },
        ]);
    const refs = new Map<string, string[]>(top.map(t => [t.check_id, []]));
    for (const row of members) refs.get(row.check_id)!.push(row.entity_ref);
    return top.map(t => ({
      checkId: t.check_id,
      failingSince: t.failing_since,
      entityRefs: refs.get(t.check_id)!,
    }));
  }

  private historyQuery(filter: HistoryFilter, refs?: string[]) {
    const query = this.db<HistoryRow>(HISTORY);
    if (refs) query.whereIn('entity_ref', refs);
    if (filter.owners) query.whereIn('owner', filter.owners);
    if (filter.programId) query.where('program_id', filter.programId);
    if (filter.since) query.where('at', '>=', filter.since);
    if (filter.phaseChangesOnly) {
      query.where(q =>
        q.whereNull('previous_phase').orWhereRaw('previous_phase <> phase'),
      );
    }
    if (filter.phaseTransitionsOnly) {
      query.whereNotNull('previous_phase').whereRaw('previous_phase <> phase');
    }
    return query;
  }

  async listHistory(
    filter: HistoryFilter,
    page: { offset: number; limit: number },
  ): Promise<Page<HistoryRecord>> {
    const [countRow] = await this.historyQuery(filter, filter.entityRefs).count(
      {
        count: '*',
      },
    );
    const rows = await this.historyQuery(filter, filter.entityRefs)
      .select('*')
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(page.offset)
      .limit(page.limit);
    return {
      items: rows.map(row => fromHistoryRow(row as HistoryRow)),
      totalCount: Number((countRow as { count: number | string }).count),
    };
  }

  async listAllHistory(filter: HistoryFilter): Promise<HistoryRecord[]> {
    const batches = filter.entityRefs
      ? chunk(filter.entityRefs, IN_CHUNK)
      : [undefined];
    const result: HistoryRecord[] = [];
    for (const refs of batches) {
      const rows = await this.historyQuery(filter, refs)
        .select(
          filter.withoutChanges
            ? [
                'id',
                'entity_ref',
                'program_id',
                'program_version',
                'owner',
                'at',
                'phase',
                'previous_phase',
              ]
            : '*',
        )
        .orderBy([
          { column: 'at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      for (const row of rows) result.push(fromHistoryRow(row as HistoryRow));
    }
    return result;
  }

  async pruneHistory(before: string): Promise<number> {
    return this.db(HISTORY).where('at', '<', before).delete();
  }

  async createAttestation(attestation: Attestation): Promise<Attestation> {
    // A revoked attestation (seeds, imports) claims no identity.
    const identityKey = attestation.revokedAt
      ? null
      : attestationIdentityKey(attestation);
    // The insert and the read of the row that won are two statements; the
    // winner can be revoked in between (its key cleared), so try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db<AttestationRow>(ATTESTATIONS)
        .insert(this.attestationRow(attestation, identityKey))
        .onConflict('identity_key')
        .ignore()
        .returning('id');
      if (inserted.length > 0 || identityKey === null) {
        return attestation;
      }
      const existing = await this.db<AttestationRow>(ATTESTATIONS)
        .where('identity_key', identityKey)
        .first();
      if (existing) {
        return fromAttestationRow(existing);
      }
    }
    throw new Error(
      `attestation of ${attestation.itemId} on ${attestation.entityRef} kept conflicting with rows being revoked`,
    );
  }

  async releaseAttestationIdentity(id: string): Promise<void> {
    await this.db<AttestationRow>(ATTESTATIONS)
      .where('id', id)
      .update({ identity_key: null });
  }

  private attestationRow(
    attestation: Attestation,
    identityKey: string | null,
  ): AttestationRow {
    return {
      id: attestation.id,
      entity_ref: attestation.entityRef,
      program_id: attestation.programId,
      item_id: attestation.itemId,
      attested_by: attestation.attestedBy,
      role: attestation.role,
      evidence_url: attestation.evidenceUrl ?? null,
      comment: attestation.comment ?? null,
      attested_at: attestation.attestedAt,
      expires_at: attestation.expiresAt ?? null,
      revoked_at: attestation.revokedAt ?? null,
      revoked_by: null,
      facts_fingerprint: attestation.factsFingerprint ?? null,
      identity_key: identityKey,
    };
  }

  async getAttestation(id: string): Promise<Attestation | undefined> {
    const row = await this.db<AttestationRow>(ATTESTATIONS)
      .where('id', id)
      .first();
    return row ? fromAttestationRow(row) : undefined;
  }

  async revokeAttestation(
    id: string,
    by: string,
    at: string,
  ): Promise<boolean> {
    const updated = await this.db<AttestationRow>(ATTESTATIONS)
      .where('id', id)
      .whereNull('revoked_at')
      .update({ revoked_at: at, revoked_by: by, identity_key: null });
    return updated > 0;
  }

  async listAttestations(filter: AttestationFilter): Promise<Attestation[]> {
    const batches = filter.entityRefs
      ? chunk(filter.entityRefs, IN_CHUNK)
      : [undefined];
    const result: Attestation[] = [];
    for (const refs of batches) {
      const query = this.db<AttestationRow>(ATTESTATIONS);
      if (refs) query.whereIn('entity_ref', refs);
      if (filter.entityRef) query.where('entity_ref', filter.entityRef);
      if (filter.programId) query.where('program_id', filter.programId);
      if (!filter.includeRevoked) query.whereNull('revoked_at');
      const rows = await query.orderBy([
        { column: 'attested_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
      for (const row of rows) result.push(fromAttestationRow(row));
    }
    return result;
  }

  async createWaiver(waiver: Waiver): Promise<void> {
    await this.db<WaiverRow>(WAIVERS).insert({
      id: waiver.id,
      entity_ref: waiver.entityRef,
      program_id: waiver.programId,
      item_id: waiver.itemId,
      state: waiver.state,
      justification: waiver.justification,
      compensating_control: waiver.compensatingControl ?? null,
      requested_by: waiver.requestedBy,
      requested_at: waiver.requestedAt,
      decided_by: waiver.decidedBy ?? null,
      decided_at: waiver.decidedAt ?? null,
      decision_comment: waiver.decisionComment ?? null,
      expires_at: waiver.expiresAt,
    });
  }

  async getWaiver(id: string): Promise<Waiver | undefined> {
    const row = await this.db<WaiverRow>(WAIVERS).where('id', id).first();
    return row ? fromWaiverRow(row) : undefined;
  }

  async decideWaiver(
    id: string,
    from: WaiverState[],
    to: WaiverState,
    decision: { by: string; at: string; comment?: string },
  ): Promise<boolean> {
    const updated = await this.db<WaiverRow>(WAIVERS)
      .where('id', id)
      .whereIn('state', from)
      .update({
        state: to,
        decided_by: decision.by,
        decided_at: decision.at,
        decision_comment: decision.comment ?? null,
      });
    return updated > 0;
  }

  async listWaivers(filter: WaiverFilter): Promise<Waiver[]> {
    const batches = filter.entityRefs
      ? chunk(filter.entityRefs, IN_CHUNK)
      : [undefined];
    const result: Waiver[] = [];
    for (const refs of batches) {
      const query = this.db<WaiverRow>(WAIVERS);
      if (refs) query.whereIn('entity_ref', refs);
      if (filter.entityRef) query.where('entity_ref', filter.entityRef);
      if (filter.programId) query.where('program_id', filter.programId);
      if (filter.states) query.whereIn('state', filter.states);
      const rows = await query.orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
      for (const row of rows) result.push(fromWaiverRow(row));
    }
    return result;
  }

  async addMentorNote(note: MentorNote): Promise<void> {
    await this.db(NOTES).insert({
      id: note.id,
      group_ref: note.groupRef,
      entity_ref: note.entityRef ?? null,
      author: note.author,
      body: note.body,
      created_at: note.createdAt,
    });
  }

  async listMentorNotes(groupRef: string): Promise<MentorNote[]> {
    const rows = await this.db(NOTES)
      .where('group_ref', groupRef)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(row => ({
      id: row.id,
      groupRef: row.group_ref,
      entityRef: orUndefined(row.entity_ref),
      author: row.author,
      body: row.body,
      createdAt: row.created_at,
    }));
  }

  async hasNoAttestationsOrWaivers(): Promise<boolean> {
    const attestation = await this.db(ATTESTATIONS).select('id').first();
    const waiver = await this.db(WAIVERS).select('id').first();
    return !attestation && !waiver;
  }

  listClusterEvidence(): Promise<ClusterEvidenceRecord[]> {
    return clusterEvidence.listClusterEvidence(this.db);
  }

  getClusterEvidenceBundles(
    keys: ClusterEvidenceKey[],
  ): Promise<Array<ClusterEvidenceKey & { bundle: Buffer }>> {
    return clusterEvidence.getClusterEvidenceBundles(this.db, keys);
  }

  putClusterEvidence(
    write: ClusterEvidenceWrite,
  ): Promise<ClusterEvidenceWriteOutcome> {
    return clusterEvidence.putClusterEvidence(this.db, write);
  }

  setClusterEvidenceStatus(
    statuses: ClusterEvidenceStatusUpdate[],
  ): Promise<void> {
    return clusterEvidence.setClusterEvidenceStatus(this.db, statuses);
  }
}
