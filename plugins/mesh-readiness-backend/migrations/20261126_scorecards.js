// @ts-check

/*
 * Current scorecards (one row per entity and program) and their history (one
 * row per change of phase or check status, not one per evaluation run).
 *
 * Timestamps are ISO-8601 strings in UTC: they sort as text the same on
 * SQLite and PostgreSQL and round-trip into the API unchanged.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_scorecards', table => {
    table.comment('The current scorecard of each entity under each program');
    table.string('entity_ref', 255).notNullable();
    table.string('program_id', 128).notNullable();
    table.string('kind', 64).notNullable();
    table.string('title', 255).nullable();
    table.string('owner', 255).nullable();
    table.string('phase', 64).notNullable();
    table.string('next_phase', 64).nullable();
    table.integer('progress_passed').notNullable();
    table.integer('progress_total').notNullable();
    table.string('program_version', 64).notNullable();
    table.string('facts_hash', 64).notNullable();
    table.integer('failing_checks').notNullable();
    table
      .text('check_statuses')
      .notNullable()
      .comment('"|<check id>=<status>|..." for filtering by check status');
    table
      .text('failing_since')
      .notNullable()
      .comment('JSON: check id -> ISO time it started failing');
    table
      .boolean('evidence_complete')
      .notNullable()
      .defaultTo(true)
      .comment('Every connected source answered for this verdict');
    table.boolean('stale').notNullable().defaultTo(false);
    table.text('stale_reason').nullable();
    table.string('stale_since', 32).nullable();
    table.string('facts_timestamp', 32).notNullable();
    table.string('evaluated_at', 32).notNullable();
    table
      .string('valid_until', 32)
      .nullable()
      .comment('When the verdict expires although the facts did not change');
    table
      .string('checked_at', 32)
      .notNullable()
      .comment('Last time an evaluation run looked at the entity');
    table
      .binary('scorecard')
      .notNullable()
      .comment('Scorecard JSON, deflate-compressed (see scorecardCodec.ts)');
    table.primary(['entity_ref', 'program_id']);
    table.index(['program_id', 'phase'], 'mesh_readiness_scorecards_phase_idx');
    table.index(['owner'], 'mesh_readiness_scorecards_owner_idx');
    table.index(['checked_at'], 'mesh_readiness_scorecards_checked_idx');
  });

  await knex.schema.createTable('mesh_readiness_history', table => {
    table.comment('One row per change of phase or check status');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('program_id', 128).notNullable();
    table.string('program_version', 64).notNullable();
    table.string('owner', 255).nullable();
    table.string('at', 32).notNullable();
    table.string('phase', 64).notNullable();
    table.string('previous_phase', 64).nullable();
    table
      .text('changes')
      .notNullable()
      .comment('JSON: [{ itemId, from?, to }]');
    table.index(
      ['entity_ref', 'program_id', 'at'],
      'mesh_readiness_history_entity_idx',
    );
    table.index(['program_id', 'at'], 'mesh_readiness_history_at_idx');
    table.index(['owner', 'at'], 'mesh_readiness_history_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_readiness_history');
  await knex.schema.dropTable('mesh_readiness_scorecards');
};
