import type { TrafficSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * What one Prometheus answered in one run, or why it did not.
 *
 * - `pull`: the portal queried the Prometheus itself (the Prometheus
 *   evidence module); `push`: a collector inside the cluster queried it and
 *   pushed the snapshot in an evidence bundle.
 * - `failed`: the Prometheus is configured but did not answer (down,
 *   timeout, refused query, incomplete answer). The checks reading its
 *   traffic become `unknown` with `reason`, never `fail`, and the last good
 *   scorecards stay, marked stale.
 *
 * @public
 */
export type TrafficReading =
  | {
      /** The Prometheus' configured name. */
      source: string;
      cluster?: string;
      mode: 'pull' | 'push';
      status: 'ok';
      snapshot: TrafficSnapshot;
    }
  | {
      source: string;
      cluster?: string;
      mode: 'pull' | 'push';
      status: 'failed';
      reason: string;
    };

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
