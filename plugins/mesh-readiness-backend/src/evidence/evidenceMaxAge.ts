import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** How old live evidence may be before its checks are `unknown`, per mode. */
export interface EvidenceMaxAge {
  pull: number;
  push: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Defaults: a pulled reading may be 1 hour old, a pushed one 1 day (a
 * collector CronJob runs less often than the portal's evaluation).
 */
export const DEFAULT_EVIDENCE_MAX_AGE: EvidenceMaxAge = {
  pull: HOUR_MS,
  push: 24 * HOUR_MS,
};

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
 * Reads `meshReadiness.evidence.<source>.maxAge`: a duration as Backstage
 * reads them (`2h`, `3 days`, an ISO duration, or an object such as
 * `{ hours: 2 }`). When given it applies to pulled and pushed evidence
 * alike; else {@link DEFAULT_EVIDENCE_MAX_AGE}.
 */
export function readEvidenceMaxAge(
  config: Config | undefined,
  source: 'cluster' | 'metrics',
): EvidenceMaxAge {
  const section = config?.getOptionalConfig(`evidence.${source}`);
  if (!section?.has('maxAge')) return { ...DEFAULT_EVIDENCE_MAX_AGE };
  const ms = durationMs(readDurationFromConfig(section, { key: 'maxAge' }));
  if (!(ms > 0)) {
    throw new InputError(
      `meshReadiness.evidence.${source}.maxAge must be a duration longer than 0`,
    );
  }
  return { pull: ms, push: ms };
}
