import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseByteSize } from '../service/requestBodies';

/** How the backend treats cluster evidence (`meshReadiness.evidence.cluster`). */
export interface ClusterEvidenceSettings {
  /** Evidence older than this makes its checks `unknown`, per mode. */
  maxAgeMs: { pull: number; push: number };
  push: {
    /** Whether collectors may post bundles (the route answers 404 when not). */
    enabled: boolean;
    /** Largest bundle, on the wire and after inflating. */
    maxBundleBytes: number;
  };
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** 20 MiB: a snapshot of 150,000 pods with their mesh labels, gzip or not. */
export const DEFAULT_MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

/**
 * Milliseconds of a HumanDuration, with the lengths Backstage's own
 * `durationToMilliseconds` gives a year (365 days) and a month (30 days).
 */
function durationMs(duration: ReturnType<typeof readDurationFromConfig>) {
  const days =
    (duration.years ?? 0) * 365 +
    (duration.months ?? 0) * 30 +
    (duration.weeks ?? 0) * 7 +
    (duration.days ?? 0);
  return (
    ((days * 24 + (duration.hours ?? 0)) * 60 + (duration.minutes ?? 0)) *
      60_000 +
    (duration.seconds ?? 0) * 1000 +
    (duration.milliseconds ?? 0)
  );
}

/**
 * Reads `meshReadiness.evidence.cluster`. `maxAge` is a duration as
 * Backstage reads them (`2h`, `3 days`, an ISO duration, or an object such
 * as `{ hours: 2 }`); when given it applies to pulled and pushed evidence
 * alike, else pulled readings may be 1 hour old and pushed bundles 1 day
 * (a collector CronJob runs less often than the portal's evaluation).
 */
export function readClusterEvidenceSettings(
  config: Config | undefined,
): ClusterEvidenceSettings {
  const cluster = config?.getOptionalConfig('evidence.cluster');
  let maxAgeMs = { pull: HOUR_MS, push: DAY_MS };
  if (cluster?.has('maxAge')) {
    const ms = durationMs(readDurationFromConfig(cluster, { key: 'maxAge' }));
    if (!(ms > 0)) {
      throw new InputError(
        'meshReadiness.evidence.cluster.maxAge must be a duration longer than 0',
      );
    }
    maxAgeMs = { pull: ms, push: ms };
  }
  const maxBundleBytes = cluster?.getOptional<number | string>(
    'push.maxBundleBytes',
  );
  return {
    maxAgeMs,
    push: {
      enabled: cluster?.getOptionalBoolean('push.enabled') ?? true,
      maxBundleBytes:
        maxBundleBytes === undefined
          ? DEFAULT_MAX_BUNDLE_BYTES
          : parseByteSize(
              maxBundleBytes,
              'meshReadiness.evidence.cluster.push.maxBundleBytes',
            ),
    },
  };
}

/** "3 days", "1 hour", "40 minutes": how old evidence is, for reasons. */
export function describeAge(ms: number): string {
  const plural = (n: number, unit: string) =>
    `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms >= DAY_MS) return plural(Math.floor(ms / DAY_MS), 'day');
  if (ms >= HOUR_MS) return plural(Math.floor(ms / HOUR_MS), 'hour');
  return plural(Math.max(0, Math.floor(ms / 60_000)), 'minute');
}
