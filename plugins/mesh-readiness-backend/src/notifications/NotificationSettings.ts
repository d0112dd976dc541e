import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';

/** What Mesh Readiness notifies, read from `meshReadiness.notifications`. */
export interface NotificationSettings {
  regressions: { enabled: boolean; maxFindings: number };
  expiries: { enabled: boolean; daysBefore: number };
  waveDeadlines: { enabled: boolean; daysBefore: number[] };
  waivers: { enabled: boolean };
  digest: { enabled: boolean; stuckAfterDays: number };
  /**
   * Attempts of a regression or waiver notification whose send fails, and
   * the schedule of the task that retries them.
   */
  retry: {
    maxAttempts: number;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  /** The schedule of the task that sends expiries, deadlines and digests. */
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const KEY = 'meshReadiness.notifications';

function positiveInteger(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${KEY}.${key} must be a whole number of at least 1, got ${value}`,
    );
  }
  return value;
}

function enabled(
  all: boolean,
  config: Config | undefined,
  key: string,
): boolean {
  return all && config?.getOptionalBoolean(`${key}.enabled`) !== false;
}

/**
 * Reads `meshReadiness.notifications` (the config root's `meshReadiness`).
 * Every kind is on by default; `enabled: false` turns all off. A bad
 * threshold stops the start with the key and the value.
 */
export function readNotificationSettings(
  root: Config | undefined,
): NotificationSettings {
  const config = root?.getOptionalConfig('notifications');
  const all = config?.getOptionalBoolean('enabled') !== false;
  const deadlineDays: unknown = config?.getOptional(
    'waveDeadlines.daysBefore',
  ) ?? [14, 3];
  if (!Array.isArray(deadlineDays)) {
    throw new Error(
      `${KEY}.waveDeadlines.daysBefore must be a list of days, e.g. [14, 3]`,
    );
  }
  for (const days of deadlineDays) {
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
      throw new Error(
        `${KEY}.waveDeadlines.daysBefore must list whole numbers of at least 1, got ${days}`,
      );
    }
  }
  const scheduleConfig = config?.getOptionalConfig('schedule');
  const retryScheduleConfig = config?.getOptionalConfig('retry.schedule');
  return {
    regressions: {
      enabled: enabled(all, config, 'regressions'),
      maxFindings: positiveInteger(config, 'regressions.maxFindings', 3),
    },
    expiries: {
      enabled: enabled(all, config, 'expiries'),
      daysBefore: positiveInteger(config, 'expiries.daysBefore', 14),
    },
    waveDeadlines: {
      enabled: enabled(all, config, 'waveDeadlines'),
      daysBefore: [...new Set(deadlineDays as number[])].sort((a, b) => b - a),
    },
    waivers: { enabled: enabled(all, config, 'waivers') },
    digest: {
      enabled: enabled(all, config, 'digest'),
      stuckAfterDays: positiveInteger(config, 'digest.stuckAfterDays', 14),
    },
    retry: {
      maxAttempts: positiveInteger(config, 'retry.maxAttempts', 5),
      schedule: retryScheduleConfig
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            retryScheduleConfig,
          )
        : {
            // Often: a failed regression is late by at most this much once
            // the notifications backend answers again; an idle run is one
            // indexed query.
            frequency: { minutes: 10 },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 1 },
          },
    },
    schedule: scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : {
          // Daily: thresholds are in days; the ledger keeps repeats out.
          frequency: { hours: 24 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 5 },
        },
  };
}
