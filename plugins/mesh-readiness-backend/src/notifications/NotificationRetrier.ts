import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationRecipients,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import { recordFailedAttempt } from './failedAttempts';
import type {
  NotificationKind,
  NotificationLedger,
  PendingNotification,
} from './NotificationLedger';

/** What one retry run did. */
export interface RetryOutcome {
  sent: number;
  /** Failed again, still to retry. */
  pending: number;
  /** Failed for the last attempt allowed, given up (logged as errors). */
  gaveUp: number;
}

/**
 * A row left `sending` this long ago belongs to a replica that stopped
 * mid-send (it outlasts the task's default timeout): it is retried.
 */
const SENDING_LEASE_MS = 60 * 60 * 1000;
/** Retries per run: a long outage does not make one run endless. */
const RETRIES_PER_RUN = 200;

function parsed(
  pending: PendingNotification,
):
  | { recipients: NotificationRecipients; payload: NotificationPayload }
  | undefined {
  try {
    const recipients = JSON.parse(pending.recipients);
    const payload = JSON.parse(pending.payload);
    if (
      typeof recipients?.type !== 'string' ||
      typeof payload?.title !== 'string'
    ) {
      return undefined;
    }
    return { recipients, payload };
  } catch {
    return undefined;
  }
}

/**
 * Resends the event-driven notifications (regressions, waiver events)
 * whose send failed, from the retry task (`mesh-readiness-notification-retries`). Each pending
 * event is claimed first (a conditional update only one replica wins),
 * then sent: marked sent on success; on failure the attempt and its error
 * are recorded, and after `maxAttempts` the event is given up with an
 * error naming it.
 */
export class NotificationRetrier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      ledger: NotificationLedger;
      logger: LoggerService;
      /** The kinds switched on; the others' pending events wait. */
      kinds: NotificationKind[];
      maxAttempts: number;
      clock?: () => Date;
    },
  ) {}

  async run(): Promise<RetryOutcome> {
    const { ledger, logger, kinds, maxAttempts } = this.options;
    const now = (this.options.clock ?? (() => new Date()))();
    const staleBefore = new Date(
      now.getTime() - SENDING_LEASE_MS,
    ).toISOString();
    const outcome: RetryOutcome = { sent: 0, pending: 0, gaveUp: 0 };
    const due = await ledger.pending(kinds, staleBefore, RETRIES_PER_RUN);
    for (const pending of due) {
      if (!(await ledger.claimRetry(pending, staleBefore))) continue;
      const notification = parsed(pending);
      if (!notification) {
        // Not ours to guess: give it up at once, loudly.
        await ledger.recordFailure(
          pending.eventKey,
          'the stored notification is not readable',
          0,
        );
        logger.error(
          `Mesh Readiness: gave up the ${pending.kind} notification of event ${pending.eventKey}: the stored notification is not readable`,
        );
        outcome.gaveUp += 1;
        continue;
      }
      try {
        await this.options.notifications.send(notification);
      } catch (error) {
        const status = await recordFailedAttempt({
          ledger,
          logger,
          kind: pending.kind,
          eventKey: pending.eventKey,
          title: notification.payload.title,
          error,
          maxAttempts,
        });
        outcome[status === 'pending' ? 'pending' : 'gaveUp'] += 1;
        continue;
      }
      await ledger.markSent(pending.eventKey);
      outcome.sent += 1;
    }
    if (outcome.sent > 0 || outcome.gaveUp > 0) {
      logger.info(
        `Mesh Readiness: retried notifications: ${outcome.sent} sent, ${outcome.pending} still pending, ${outcome.gaveUp} given up`,
      );
    }
    return outcome;
  }
}
