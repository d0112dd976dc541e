import type { TrafficReading } from '@mesh-readiness/plugin-mesh-readiness-common';

// One definition of a reading, in common, where the join reads it; modules
// import it from here with the source interface.
export type { TrafficReading };

/**
 * A source of traffic snapshots: one or more Prometheus endpoints. The
 * backend reads every source once per evaluation run and joins the
 * snapshots to entities by workload and namespace, so the work of a run
 * grows with the number of Prometheus endpoints, not with entities.
 *
 * `readTraffic` must not throw for an expected fault of a Prometheus: it
 * answers a `failed` reading for it, so one endpoint down does not hide the
 * others.
 *
 * @public
 */
export interface TrafficEvidenceSource {
  /** Unique id, e.g. `prometheus`; shown in logs and reasons. */
  readonly id: string;
  /** One reading per Prometheus the source knows. */
  readTraffic(options: { signal?: AbortSignal }): Promise<TrafficReading[]>;
}
