// @ts-check

/*
 * Event-driven notifications (regressions, waiver events) happen once: when
 * their send fails, the ledger keeps them as pending, with what is needed to
 * send them again, and the scheduled notifications task retries them (see
 * src/notifications/NotificationRetrier.ts). Rows stored before this
 * migration were sent: they default to `sent`.
 */

const TABLE = 'mesh_readiness_notification_ledger';
const STATUS_INDEX = 'mesh_readiness_notification_ledger_status_idx';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(TABLE, table => {
    table
      .string('status', 16)
      .notNullable()
      .defaultTo('sent')
      .comment(
        'sent; sending (a replica holds it); pending (to retry); failed (given up)',
      );
    table
      .text('recipients')
      .nullable()
      .comment('JSON recipients of an event-driven notification not sent yet');
    table
      .text('payload')
      .nullable()
      .comment('JSON payload of an event-driven notification not sent yet');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Sends attempted; also the token a retry claims the row with');
    table
      .string('attempted_at', 32)
      .nullable()
      .comment('When the last attempt started (ISO)');
    table
      .string('last_error', 1000)
      .nullable()
      .comment('Why the last attempt failed (bounded)');
    table.index(['status'], STATUS_INDEX);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Rows of notifications still to retry stay, without what would resend
  // them: the table as it was before takes every row as notified.
  await knex.schema.alterTable(TABLE, table => {
    table.dropIndex(['status'], STATUS_INDEX);
  });
  await knex.schema.alterTable(TABLE, table => {
    table.dropColumns(
      'status',
      'recipients',
      'payload',
      'attempts',
      'attempted_at',
      'last_error',
    );
  });
};
