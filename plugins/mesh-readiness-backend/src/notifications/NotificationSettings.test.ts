import { ConfigReader } from '@backstage/config';
import { readNotificationSettings } from './NotificationSettings';

const read = (notifications?: object) =>
  readNotificationSettings(
    new ConfigReader(notifications ? { notifications } : {}),
  );

describe('readNotificationSettings', () => {
  it('turns every kind on with the documented defaults', () => {
    expect(readNotificationSettings(undefined)).toEqual({
      regressions: { enabled: true, maxFindings: 3 },
      expiries: { enabled: true, daysBefore: 14 },
      waveDeadlines: { enabled: true, daysBefore: [14, 3] },
      waivers: { enabled: true },
      digest: { enabled: true, stuckAfterDays: 14 },
      retry: {
        maxAttempts: 5,
        schedule: {
          frequency: { minutes: 10 },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
        },
      },
      schedule: {
        frequency: { hours: 24 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 5 },
      },
    });
  });

  it('switches kinds off one by one, or all at once', () => {
    const one = read({ digest: { enabled: false } });
    expect(one.digest.enabled).toBe(false);
    expect(one.regressions.enabled).toBe(true);
    const all = read({ enabled: false, regressions: { enabled: true } });
    expect(
      [
        all.regressions,
        all.expiries,
        all.waveDeadlines,
        all.waivers,
        all.digest,
      ].map(kind => kind.enabled),
    ).toEqual([false, false, false, false, false]);
  });

  it('reads thresholds and the schedule, deadlines largest first', () => {
    const settings = read({
      expiries: { daysBefore: 7 },
      waveDeadlines: { daysBefore: [1, 30, 7, 7] },
      schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
      retry: {
        maxAttempts: 2,
        schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
      },
    });
    expect(settings.expiries.daysBefore).toBe(7);
    expect(settings.retry.maxAttempts).toBe(2);
    expect(settings.waveDeadlines.daysBefore).toEqual([30, 7, 1]);
    expect(settings.schedule).toMatchObject({ frequency: { hours: 6 } });
    expect(settings.retry.schedule).toMatchObject({
      frequency: { minutes: 2 },
    });
  });

  it('refuses a bad threshold, naming the key and the value', () => {
    expect(() => read({ expiries: { daysBefore: 0 } })).toThrow(
      'meshReadiness.notifications.expiries.daysBefore must be a whole number of at least 1, got 0',
    );
    expect(() => read({ waveDeadlines: { daysBefore: [14, 2.5] } })).toThrow(
      'meshReadiness.notifications.waveDeadlines.daysBefore must list whole numbers of at least 1, got 2.5',
    );
    expect(() => read({ retry: { maxAttempts: 0 } })).toThrow(
      'meshReadiness.notifications.retry.maxAttempts must be a whole number of at least 1, got 0',
    );
    expect(() => read({ waveDeadlines: { daysBefore: 14 } })).toThrow(
      'meshReadiness.notifications.waveDeadlines.daysBefore must be a list of days, e.g. [14, 3]',
    );
  });
});
