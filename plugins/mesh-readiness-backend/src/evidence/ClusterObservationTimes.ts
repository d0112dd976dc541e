import type { ScorecardRecord, Store } from '../database/Store';

/** How long the table's times are reused between scorecard reads. */
const CACHE_MS = 5_000;

/**
 * The current observation times of the clusters, laid over a stored
 * scorecard when it is served.
 *
 * An evaluation run writes a scorecard only when its facts changed, and
 * the facts hash leaves out when the clusters were observed: a cluster
 * read again unchanged costs no write per entity. The scorecard's cluster
 * origins (`sources[].origins`, shown as "observed at" on the entity
 * pages) would then keep the time of the evaluation that wrote them; so
 * the times are read, when a scorecard is served, from the cluster
 * evidence table, which each run updates in one statement per cluster.
 * A time only ever moves forward: a stale scorecard keeps the time of the
 * last good evidence, which is what the table holds for a failing
 * cluster.
 */
export class ClusterObservationTimes {
  private cached?: { at: number; times: Promise<Map<string, string>> };

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  private times(): Promise<Map<string, string>> {
    const now = this.clock();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const times = this.store
        .listClusterEvidence()
        .then(
          records =>
            new Map(
              records.flatMap(r =>
                r.collectedAt
                  ? [[`${r.mode}\u0000${r.cluster}`, r.collectedAt]]
                  : [],
              ),
            ),
        );
      times.catch(() => {
        if (this.cached?.times === times) this.cached = undefined;
      });
      this.cached = { at: now, times };
    }
    return this.cached.times;
  }

  /** The record with its cluster origins' times brought up to date. */
  async apply(record: ScorecardRecord): Promise<ScorecardRecord> {
    const sources = record.scorecard.sources;
    const cluster = sources?.find(s => s.source === 'cluster');
    if (!sources || !cluster?.origins?.length) return record;
    const times = await this.times();
    let moved = false;
    const origins = cluster.origins.map(origin => {
      const current = origin.mode
        ? times.get(`${origin.mode}\u0000${origin.name}`)
        : undefined;
      if (
        current &&
        (!origin.observedAt ||
          Date.parse(current) > Date.parse(origin.observedAt))
      ) {
        moved = true;
        return { ...origin, observedAt: current };
      }
      return origin;
    });
    if (!moved) return record;
    // The source was observed when its oldest origin was.
    const oldest = origins
      .map(o => o.observedAt)
      .filter((t): t is string => Boolean(t))
      .reduce<string | undefined>(
        (a, t) => (!a || Date.parse(t) < Date.parse(a) ? t : a),
        undefined,
      );
    return {
      ...record,
      scorecard: {
        ...record.scorecard,
        sources: sources.map(s =>
          s === cluster
            ? { ...s, origins, ...(oldest ? { fetchedAt: oldest } : {}) }
            : s,
        ),
      },
    };
  }
}
