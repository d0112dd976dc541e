// @ts-check

/*
 * The notifications already sent: one row per event (a regression, an
 * expiry threshold, a wave deadline, a waiver decision, a weekly digest).
 * Every replica inserts the event's key before it sends and sends only when
 * its insert made the row, so that an event is notified once whatever the
 * number of replicas (see src/notifications/NotificationLedger.ts).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_readiness_notification_ledger', table => {
    table.comment('Notifications sent by Mesh Readiness, one row per event');
    table
      .string('event_hash', 64)
      .primary()
      .comment('SHA-256 (hex) of the event key');
    table
      .string('kind', 32)
      .notNullable()
      .comment('regression, expiry, wave-deadline, waiver or digest');
    table
      .text('event_key')
      .notNullable()
      .comment('The event key in clear, for operators');
    table
      .string('sent_at', 32)
      .notNullable()
      .index('mesh_readiness_notification_ledger_sent_at_idx')
      .comment('When the row was claimed (ISO)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_readiness_notification_ledger');
};
