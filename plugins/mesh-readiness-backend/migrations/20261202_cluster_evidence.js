// @ts-check

/*
 * Cluster evidence kept between evaluation runs: one row per cluster and
 * mode. A `push` row holds the latest evidence bundle a collector posted to
 * `POST /evidence/clusters/{cluster}`; a `pull` row holds the last good
 * snapshot a backend module read, wrapped in the same bundle format, with
 * the status of the latest read. Keeping the last good evidence in the
 * database lets a restarted backend (or another replica) know which
 * entities a failing cluster runs, and lets every replica answer
 * `GET /evidence/clusters` alike.
 *
 * The bundle is stored gzip-compressed; `content_digest` (SHA-256 of the
 * bundle's JSON) tells a reader whether it changed without reading it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_cluster_evidence', table => {
    table.comment(
      'Latest cluster evidence per cluster and mode (pushed bundles, last good pulled snapshots)',
    );
    table
      .string('cluster', 253)
      .notNullable()
      .comment(
        'Cluster name, as the collector or the cluster locator names it',
      );
    table.string('mode', 8).notNullable().comment('`push` or `pull`');
    table.primary(['cluster', 'mode']);
    table
      .string('status', 16)
      .notNullable()
      .comment('`ok`, or `failed` when the latest pull did not answer');
    table.text('reason').nullable().comment('Why the latest pull failed');
    table
      .string('collected_at', 32)
      .nullable()
      .comment('When the stored bundle was collected (ISO)');
    table
      .string('received_at', 32)
      .notNullable()
      .comment('When the backend received the bundle or last read the cluster');
    table.string('collector_name', 128).nullable();
    table.string('collector_version', 64).nullable();
    table.integer('schema_version').nullable();
    table.string('content_digest', 64).nullable();
    table
      .integer('size_bytes')
      .nullable()
      .comment("Bytes of the bundle's JSON, uncompressed");
    table
      .text('object_counts')
      .nullable()
      .comment('JSON: objects per kind in the snapshot');
    table.binary('bundle').nullable().comment('The bundle JSON, gzip');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_readiness_cluster_evidence');
};
