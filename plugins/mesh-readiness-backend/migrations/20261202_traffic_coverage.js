// @ts-check

/*
 * The organisation's mTLS coverage over time: one row per UTC day with the
 * inbound service-to-service requests (and TCP connections) of the
 * entities that had metrics evidence, and how many of them were mTLS, as the last complete
 * evaluation run of that day summed them (see
 * src/service/TrafficCoverageRecorder.ts). One row per day, whatever the
 * number of runs, keeps the table at 365 rows a year.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_traffic_coverage', table => {
    table.comment(
      'Share of service-to-service requests over mTLS in the organisation, per UTC day',
    );
    table.string('day', 10).primary().comment('UTC day, YYYY-MM-DD');
    table
      .string('recorded_at', 32)
      .notNullable()
      .comment('When the run that wrote the row finished (ISO)');
    table
      .double('requests')
      .notNullable()
      .comment('Inbound requests over the window, summed over entities');
    table
      .double('mtls_requests')
      .notNullable()
      .comment('Of them, the requests that arrived over mTLS');
    table
      .double('connections')
      .notNullable()
      .comment('Inbound TCP connections over the window (ztunnel, TCP)');
    table
      .double('mtls_connections')
      .notNullable()
      .comment('Of them, the connections over mTLS');
    table
      .integer('entities')
      .notNullable()
      .comment('Entities whose metrics evidence carried mTLS figures');
    table
      .integer('window_days')
      .nullable()
      .comment('The longest window of the figures summed');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_readiness_traffic_coverage');
};
