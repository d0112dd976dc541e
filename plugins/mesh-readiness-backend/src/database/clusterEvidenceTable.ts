/*
 * The `mesh_readiness_cluster_evidence` table (migrations/
 * 20261202_cluster_evidence.js): rows and statements behind the cluster
 * evidence methods of DatabaseStore.
 */
import type { Knex } from 'knex';
import type {
  ClusterEvidenceKey,
  ClusterEvidenceRecord,
  ClusterEvidenceStatusUpdate,
  ClusterEvidenceWrite,
  ClusterEvidenceWriteOutcome,
} from './Store';

const TABLE = 'mesh_readiness_cluster_evidence';

type ClusterEvidenceRow = {
  cluster: string;
  mode: string;
  status: string;
  reason: string | null;
  collected_at: string | null;
  received_at: string;
  collector_name: string | null;
  collector_version: string | null;
  schema_version: number | null;
  content_digest: string | null;
  size_bytes: number | null;
  object_counts: string | null;
  bundle?: Buffer | null;
};

const SUMMARY_COLUMNS = [
  'cluster',
  'mode',
  'status',
  'reason',
  'collected_at',
  'received_at',
  'collector_name',
  'collector_version',
  'schema_version',
  'content_digest',
  'size_bytes',
  'object_counts',
] as const;

function fromRow(row: ClusterEvidenceRow): ClusterEvidenceRecord {
  const record: ClusterEvidenceRecord = {
    cluster: row.cluster,
    mode: row.mode === 'pull' ? 'pull' : 'push',
    status: row.status === 'failed' ? 'failed' : 'ok',
    receivedAt: row.received_at,
  };
  if (row.reason !== null) record.reason = row.reason;
  if (row.collected_at !== null) record.collectedAt = row.collected_at;
  if (row.collector_name !== null) {
    record.collector = {
      name: row.collector_name,
      version: row.collector_version ?? '',
    };
  }
  if (row.schema_version !== null)
    record.schemaVersion = Number(row.schema_version);
  if (row.content_digest !== null) record.contentDigest = row.content_digest;
  if (row.size_bytes !== null) record.sizeBytes = Number(row.size_bytes);
  if (row.object_counts !== null)
    record.objectCounts = JSON.parse(row.object_counts);
  return record;
}

export async function listClusterEvidence(
  db: Knex,
): Promise<ClusterEvidenceRecord[]> {
  const rows: ClusterEvidenceRow[] = await db(TABLE)
    .select(...SUMMARY_COLUMNS)
    .orderBy([
      { column: 'cluster', order: 'asc' },
      { column: 'mode', order: 'asc' },
    ]);
  return rows.map(fromRow);
}

export async function getClusterEvidenceBundles(
  db: Knex,
  keys: ClusterEvidenceKey[],
): Promise<Array<ClusterEvidenceKey & { bundle: Buffer }>> {
  if (keys.length === 0) return [];
  const rows: Array<{ cluster: string; mode: string; bundle: Buffer | null }> =
    await db(TABLE)
      .select('cluster', 'mode', 'bundle')
      .whereIn(
        ['cluster', 'mode'],
        keys.map(key => [key.cluster, key.mode]),
      )
      .whereNotNull('bundle');
  return rows.flatMap(row =>
    row.bundle
      ? [
          {
            cluster: row.cluster,
            mode: row.mode === 'pull' ? ('pull' as const) : ('push' as const),
            bundle: Buffer.from(row.bundle),
          },
        ]
      : [],
  );
}

export async function putClusterEvidence(
  db: Knex,
  write: ClusterEvidenceWrite,
): Promise<ClusterEvidenceWriteOutcome> {
  const row: ClusterEvidenceRow = {
    cluster: write.cluster,
    mode: write.mode,
    status: write.status,
    reason: write.reason ?? null,
    collected_at: write.collectedAt,
    received_at: write.receivedAt,
    collector_name: write.collector?.name ?? null,
    collector_version: write.collector?.version ?? null,
    schema_version: write.schemaVersion ?? null,
    content_digest: write.contentDigest,
    size_bytes: write.sizeBytes ?? null,
    object_counts: write.objectCounts
      ? JSON.stringify(write.objectCounts)
      : null,
    bundle: write.bundle,
  };
  // ISO times of one format compare as strings. The stored row is replaced
  // only by a bundle collected later, or by the same bundle again (a
  // collector retrying a post whose answer it lost); a row without a bundle
  // (a cluster whose pulls always failed) by any.
  const stored = await db(TABLE)
    .insert(row)
    .onConflict(['cluster', 'mode'])
    .merge()
    .where(q =>
      q
        .whereNull(`${TABLE}.collected_at`)
        .orWhere(`${TABLE}.collected_at`, '<', write.collectedAt)
        .orWhere(inner =>
          inner
            .where(`${TABLE}.collected_at`, write.collectedAt)
            .andWhere(`${TABLE}.content_digest`, write.contentDigest),
        ),
    )
    .returning('cluster');
  if (stored.length > 0) {
    return { stored: true };
  }
  const current = await db(TABLE)
    .select('collected_at')
    .where({ cluster: write.cluster, mode: write.mode })
    .first();
  return { stored: false, storedCollectedAt: current?.collected_at ?? '' };
}

export async function setClusterEvidenceStatus(
  db: Knex,
  statuses: ClusterEvidenceStatusUpdate[],
): Promise<void> {
  if (statuses.length === 0) return;
  await db.transaction(async tx => {
    for (const s of statuses) {
      const merged = ['status', 'reason', 'received_at'];
      // Only a row with a bundle has a collection time to move on.
      const query = tx(TABLE)
        .insert({
          cluster: s.cluster,
          mode: s.mode,
          status: s.status,
          reason: s.reason ?? null,
          received_at: s.receivedAt,
        })
        .onConflict(['cluster', 'mode']);
      if (s.collectedAt) {
        await query.merge({
          status: s.status,
          reason: s.reason ?? null,
          received_at: s.receivedAt,
          collected_at: db.raw(
            `CASE WHEN ${TABLE}.bundle IS NULL THEN ${TABLE}.collected_at ELSE ? END`,
            [s.collectedAt],
          ),
        });
      } else {
        await query.merge(merged);
      }
    }
  });
}
