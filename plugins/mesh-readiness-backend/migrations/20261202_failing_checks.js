// @ts-check

/*
 * The failing checks of each current scorecard, one row per entity, program
 * and check, so that the roll-ups (top failing checks of the organisation,
 * blockers of a group) are counted by the database instead of by reading
 * every scorecard's statuses into the backend. A row exists for a check
 * whose status is `fail` (any severity) or that is in the scorecard's
 * `failing_since` (required checks failing or unknown, with the time they
 * started). The rows are rewritten with their scorecard, in the same write
 * batch (see DatabaseStore.writeScorecards). `owner` repeats the
 * scorecard's so that a group's blockers are one indexed range.
 *
 * Rows already stored are backfilled from the scorecards' `check_statuses`
 * and `failing_since` columns.
 */

const BACKFILL_PAGE = 500;

/**
 * Keep in step with `failingCheckRows` in src/database/DatabaseStore.ts.
 *
 * @param {{ entity_ref: string, program_id: string, owner: string | null, check_statuses: string, failing_since: string }} row
 */
function failingCheckRows(row) {
  /** @type {Record<string, string>} */
  const statuses = {};
  for (const part of row.check_statuses.split('|')) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) statuses[part.slice(0, eq)] = part.slice(eq + 1);
  }
  /** @type {Record<string, string>} */
  const since = JSON.parse(row.failing_since);
  const ids = new Set([
    ...Object.keys(statuses).filter(id => statuses[id] === 'fail'),
    ...Object.keys(since),
  ]);
  return [...ids].map(checkId => ({
    entity_ref: row.entity_ref,
    program_id: row.program_id,
    check_id: checkId,
    owner: row.owner,
    status: statuses[checkId] ?? 'fail',
    failing_since: since[checkId] ?? null,
  }));
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_failing_checks', table => {
    table.comment(
      'Failing checks of the current scorecards (one row per entity, program and check)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('program_id', 128).notNullable();
    table.string('check_id', 255).notNullable();
    table.string('owner', 255).nullable();
    table.string('status', 16).notNullable();
    table
      .string('failing_since', 32)
      .nullable()
      .comment('Set for required checks failing or unknown');
    table.primary(['entity_ref', 'program_id', 'check_id']);
    table.index(
      ['program_id', 'check_id'],
      'mesh_readiness_failing_checks_check_idx',
    );
    table.index(['owner'], 'mesh_readiness_failing_checks_owner_idx');
  });

  // The teams table groups a program's scorecards by owner.
  await knex.schema.alterTable('mesh_readiness_scorecards', table => {
    table.index(
      ['program_id', 'owner'],
      'mesh_readiness_scorecards_program_owner_idx',
    );
  });

  /** @type {{ entity_ref: string, program_id: string } | undefined} */
  let after;
  for (;;) {
    const query = knex('mesh_readiness_scorecards')
      .select(
        'entity_ref',
        'program_id',
        'owner',
        'check_statuses',
        'failing_since',
      )
      .orderBy([
        { column: 'entity_ref', order: 'asc' },
        { column: 'program_id', order: 'asc' },
      ])
      .limit(BACKFILL_PAGE);
    const last = after;
    if (last) {
      query.where(q =>
        q
          .where('entity_ref', '>', last.entity_ref)
          .orWhere(inner =>
            inner
              .where('entity_ref', last.entity_ref)
              .andWhere('program_id', '>', last.program_id),
          ),
      );
    }
    const rows = await query;
    if (rows.length === 0) break;
    const inserts = rows.flatMap(failingCheckRows);
    // knex writes a multi-row insert on SQLite as a compound SELECT, which
    // SQLite limits to 500 terms.
    for (let i = 0; i < inserts.length; i += 500) {
      await knex('mesh_readiness_failing_checks').insert(
        inserts.slice(i, i + 500),
      );
    }
    after = rows[rows.length - 1];
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_readiness_scorecards', table => {
    table.dropIndex(
      ['program_id', 'owner'],
      'mesh_readiness_scorecards_program_owner_idx',
    );
  });
  await knex.schema.dropTable('mesh_readiness_failing_checks');
};
