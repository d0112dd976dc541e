// @ts-check

/*
 * Attestations of checklist items, waivers and mentor notes. Rows are never
 * deleted by the API: revoking or deciding sets a state and a timestamp, so
 * the audit trail stays in the database as well as in the audit log.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_attestations', table => {
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('program_id', 128).notNullable();
    table.string('item_id', 255).notNullable();
    table.string('attested_by', 255).notNullable();
    table.string('role', 32).notNullable();
    table.text('evidence_url').nullable();
    table.text('comment').nullable();
    table.string('attested_at', 32).notNullable();
    table.string('expires_at', 32).nullable();
    table.string('revoked_at', 32).nullable();
    table.string('revoked_by', 255).nullable();
    table.string('facts_fingerprint', 64).nullable();
    table.index(
      ['entity_ref', 'program_id'],
      'mesh_readiness_attestations_entity_idx',
    );
  });

  await knex.schema.createTable('mesh_readiness_waivers', table => {
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('program_id', 128).notNullable();
    table.string('item_id', 255).notNullable();
    table.string('state', 16).notNullable();
    table.text('justification').notNullable();
    table.text('compensating_control').nullable();
    table.string('requested_by', 255).notNullable();
    table.string('requested_at', 32).notNullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('decision_comment').nullable();
    table.string('expires_at', 32).notNullable();
    table.index(
      ['entity_ref', 'program_id'],
      'mesh_readiness_waivers_entity_idx',
    );
    table.index(['state'], 'mesh_readiness_waivers_state_idx');
  });

  await knex.schema.createTable('mesh_readiness_mentor_notes', table => {
    table.string('id', 36).primary();
    table.string('group_ref', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('author', 255).notNullable();
    table.text('body').notNullable();
    table.string('created_at', 32).notNullable();
    table.index(['group_ref'], 'mesh_readiness_mentor_notes_group_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_readiness_mentor_notes');
  await knex.schema.dropTable('mesh_readiness_waivers');
  await knex.schema.dropTable('mesh_readiness_attestations');
};
