// @ts-check

/*
 * The System of each current scorecard's entity (`spec.system` as a full
 * ref, `system:default/payments`), so that a System's rollup and the
 * `system` filter of the scorecard list are one indexed range, and a
 * Domain's are a range over its Systems (the catalog says which Systems a
 * Domain holds when a request asks). `mesh_readiness_failing_checks`
 * repeats it, as it repeats `owner`, so that a System's top failing checks
 * and blockers are counted there without a join.
 *
 * No backfill from the stored rows: a row keeps its entity's owner and
 * title but not the entity, and its compressed scorecard does not hold
 * `spec.system` either. Instead the facts hash of every stored row is
 * cleared: the next evaluation run then finds no row up to date and
 * evaluates every entity once, which writes its System (and its failing
 * checks with it). Until that run a row has no System and is left out of
 * System and Domain rollups; nothing else reads the column.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mesh_readiness_scorecards', table => {
    table
      .string('system', 255)
      .nullable()
      .comment("The entity's System (spec.system) as a full entity ref");
    table.index(['system'], 'mesh_readiness_scorecards_system_idx');
  });
  await knex.schema.alterTable('mesh_readiness_failing_checks', table => {
    table.string('system', 255).nullable();
    table.index(['system'], 'mesh_readiness_failing_checks_system_idx');
  });
  // Re-evaluated (and so given their System) by the next run.
  await knex('mesh_readiness_scorecards').update({ facts_hash: '' });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_readiness_failing_checks', table => {
    table.dropIndex(['system'], 'mesh_readiness_failing_checks_system_idx');
  });
  await knex.schema.alterTable('mesh_readiness_failing_checks', table => {
    table.dropColumn('system');
  });
  await knex.schema.alterTable('mesh_readiness_scorecards', table => {
    table.dropIndex(['system'], 'mesh_readiness_scorecards_system_idx');
  });
  await knex.schema.alterTable('mesh_readiness_scorecards', table => {
    table.dropColumn('system');
  });
};
