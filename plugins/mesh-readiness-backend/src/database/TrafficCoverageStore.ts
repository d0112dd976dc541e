import type { Knex } from 'knex';

const COVERAGE = 'mesh_readiness_traffic_coverage';

/** The organisation's mTLS coverage of one UTC day. */
export interface TrafficCoverageRecord {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** When the run that summed the figures finished (ISO). */
  recordedAt: string;
  /** Inbound service-to-service requests of the entities with figures. */
  requests: number;
  /** Of them, those that arrived over mTLS. */
  mtlsRequests: number;
  /** Inbound TCP connections (ztunnel, TCP services) of those entities. */
  connections: number;
  /** Of them, those over mTLS. */
  mtlsConnections: number;
  /** Entities whose metrics evidence carried mTLS figures. */
  entities: number;
  /** The longest window (days) of the figures summed. */
  windowDays?: number;
}

type CoverageRow = {
  day: string;
  recorded_at: string;
  requests: number | string;
  mtls_requests: number | string;
  connections: number | string;
  mtls_connections: number | string;
  entities: number | string;
  window_days: number | string | null;
};

/**
 * The coverage table (migration `20261202_traffic_coverage.js`), one row
 * per day. The migrations run in `DatabaseStore.create`.
 */
export class TrafficCoverageStore {
  constructor(private readonly db: Knex) {}

  /** Stores the day's figures, replacing what an earlier run of that day stored. */
  async record(record: TrafficCoverageRecord): Promise<void> {
    await this.db<CoverageRow>(COVERAGE)
      .insert({
        day: record.day,
        recorded_at: record.recordedAt,
        requests: record.requests,
        mtls_requests: record.mtlsRequests,
        connections: record.connections,
        mtls_connections: record.mtlsConnections,
        entities: record.entities,
        window_days: record.windowDays ?? null,
      })
      .onConflict('day')
      .merge();
  }

  /** The days at or after `sinceDay` (`YYYY-MM-DD`), oldest first. */
  async list(sinceDay: string): Promise<TrafficCoverageRecord[]> {
    const rows = await this.db<CoverageRow>(COVERAGE)
      .select()
      .where('day', '>=', sinceDay)
      .orderBy('day', 'asc');
    // PostgreSQL returns double precision as numbers, but counts (bigint)
    // and some drivers' doubles as strings.
    return rows.map(row => ({
      day: row.day,
      recordedAt: row.recorded_at,
      requests: Number(row.requests),
      mtlsRequests: Number(row.mtls_requests),
      connections: Number(row.connections),
      mtlsConnections: Number(row.mtls_connections),
      entities: Number(row.entities),
      ...(row.window_days === null
        ? {}
        : { windowDays: Number(row.window_days) }),
    }));
  }
}
