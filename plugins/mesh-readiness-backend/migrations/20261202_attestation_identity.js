// @ts-check

/*
 * Identical attestations are stored once. `identity_key` is a hash of what
 * makes two attestations the same statement (entity, program, item, author,
 * role, evidence link, comment, facts fingerprint, explicit expiry); a unique
 * index on it lets the database, not a read-then-write in the application,
 * decide which of several concurrent identical requests stores the row, on
 * SQLite and PostgreSQL alike. Revoked or superseded rows carry no key (NULLs
 * are distinct in a unique index on both), so the same statement can be made
 * again later.
 */

const crypto = require('node:crypto');

/**
 * Keep in step with `attestationIdentityKey` in src/database/DatabaseStore.ts.
 *
 * @param {Record<string, string | null>} row
 */
function identityKey(row) {
  return crypto
    .createHash('sha256')
    .update(
      JSON.stringify([
        row.entity_ref,
        row.program_id,
        row.item_id,
        row.attested_by,
        row.role,
        row.evidence_url ?? null,
        row.comment ?? null,
        row.facts_fingerprint ?? null,
        row.expires_at ?? null,
      ]),
    )
    .digest('hex');
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mesh_readiness_attestations', table => {
    table.string('identity_key', 64).nullable();
  });

  // Rows stored before this migration may repeat one another: the newest of
  // each identical group in force keeps the key, the others stay as they are
  // (the engine reads the newest anyway) without one.
  const rows = await knex('mesh_readiness_attestations')
    .whereNull('revoked_at')
    .orderBy([
      { column: 'attested_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
  const seen = new Set();
  for (const row of rows) {
    const key = identityKey(row);
    if (seen.has(key)) continue;
    seen.add(key);
    await knex('mesh_readiness_attestations')
      .where('id', row.id)
      .update({ identity_key: key });
  }

  await knex.schema.alterTable('mesh_readiness_attestations', table => {
    table.unique(['identity_key'], {
      indexName: 'mesh_readiness_attestations_identity_key_idx',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_readiness_attestations', table => {
    table.dropUnique(
      ['identity_key'],
      'mesh_readiness_attestations_identity_key_idx',
    );
  });
  await knex.schema.alterTable('mesh_readiness_attestations', table => {
    table.dropColumn('identity_key');
  });
};
