/*
 * One Prometheus as an evidence source read it for one run. Defined in the
 * isomorphic package because the join (`trafficFactsFor`) reads it; the
 * node library's `TrafficEvidenceSource` answers the same shape.
 */
import type { TrafficSnapshot } from '../schema/trafficSnapshot';

/**
 * What one Prometheus answered in one run (`pull`: the portal queried it;
 * `push`: a collector in the cluster did and pushed the snapshot in an
 * evidence bundle), or why it did not.
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
