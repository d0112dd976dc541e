import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** How the backend treats traffic evidence (`meshReadiness.evidence.metrics`). */
export interface MetricsEvidenceSettings {
  /** Traffic evidence older than this makes its checks `unknown`, per mode. */
  maxAgeMs: { pull: number; push: number };
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Milliseconds of a duration as Backstage reads them (a year is 365 days, a month 30). */
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
 * Reads `meshReadiness.evidence.metrics`. `maxAge` (a duration: `2h`,
 * `3 days`, ISO, or `{ hours: 2 }`) applies to pulled and pushed traffic
 * alike when given; else a pulled reading may be 1 hour old and a pushed
 * one 1 day (a collector CronJob runs less often than the evaluation), as
 * for cluster evidence.
 */
export function readMetricsEvidenceSettings(
  config: Config | undefined,
): MetricsEvidenceSettings {
  const metrics = config?.getOptionalConfig('evidence.metrics');
  if (!metrics?.has('maxAge')) {
    return { maxAgeMs: { pull: HOUR_MS, push: DAY_MS } };
  }
  const ms = durationMs(readDurationFromConfig(metrics, { key: 'maxAge' }));
  if (!(ms > 0)) {
    throw new InputError(
      'meshReadiness.evidence.metrics.maxAge must be a duration longer than 0',
    );
  }
  return { maxAgeMs: { pull: ms, push: ms } };
}
