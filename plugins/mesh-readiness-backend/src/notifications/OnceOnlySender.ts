import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationRecipients,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  RETRIED_KINDS,
  type NotificationKind,
  type NotificationLedger,
} from './NotificationLedger';
import { recordFailedAttempt } from './failedAttempts';

/** One notification of one event. */
export interface NotificationEvent {
  kind: NotificationKind;
  /** Identifies the event across replicas and runs (see the ledger). */
  eventKey: string;
  recipients: NotificationRecipients;
  payload: NotificationPayload;
}

/**
 * What became of an event: sent now, sent before (or claimed by another
 * replica), kept to retry, or failed to send.
 */
export type SendOutcome = 'sent' | 'already-sent' | 'pending' | 'failed';

/** Attempts of an event-driven notification, unless configured. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Sends each event once across replicas: the ledger row is claimed first,
 * and only the replica whose insert made it sends. A failed send is logged.
 * The row of a scheduled kind is released, so that its next run finds the
 * event again and sends it. An event-driven kind (regression, waiver)
 * happens once: its row keeps the notification as pending, and the
 * retry task resends it (`NotificationRetrier`) up to `maxAttempts`.
 */
export class OnceOnlySender {
  constructor(
    private readonly notifications: NotificationService,
    private readonly ledger: NotificationLedger,
    private readonly logger: LoggerService,
    private readonly maxAttempts: number = DEFAULT_MAX_ATTEMPTS,
  ) {}

  async send(event: NotificationEvent): Promise<SendOutcome> {
    const retried = RETRIED_KINDS.has(event.kind);
    const claimed = retried
      ? await this.ledger.claimForSending(event)
      : await this.ledger.claim(event.kind, event.eventKey);
    if (!claimed) return 'already-sent';
    try {
      await this.notifications.send({
        recipients: event.recipients,
        payload: event.payload,
      });
    } catch (error) {
      return retried
        ? this.keepToRetry(event, error)
        : this.releaseToFindAgain(event, error);
    }
    if (retried) {
      // Sent: if marking it fails, the row stays `sending` and is resent
      // once stale; a duplicate is better than a loss.
      await this.ledger.markSent(event.eventKey);
    }
    return 'sent';
  }

  private async keepToRetry(
    event: NotificationEvent,
    error: unknown,
  ): Promise<SendOutcome> {
    try {
      const status = await recordFailedAttempt({
        ledger: this.ledger,
        logger: this.logger,
        kind: event.kind,
        eventKey: event.eventKey,
        title: event.payload.title,
        error,
        maxAttempts: this.maxAttempts,
      });
      return status === 'pending' ? 'pending' : 'failed';
    } catch (ledgerError) {
      // The row stays `sending`, which a later run retries once stale.
      this.logger.error(
        `Mesh Readiness: the failed attempt of the ${
          event.kind
        } notification "${event.payload.title}" could not be recorded: ${
          ledgerError instanceof Error
            ? ledgerError.message
            : String(ledgerError)
        }`,
      );
      return 'failed';
    }
  }

  private async releaseToFindAgain(
    event: NotificationEvent,
    error: unknown,
  ): Promise<SendOutcome> {
    this.logger.warn(
      `Mesh Readiness: the ${event.kind} notification "${
        event.payload.title
      }" was not sent: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    try {
      await this.ledger.release(event.eventKey);
    } catch (releaseError) {
      this.logger.error(
        `Mesh Readiness: the ledger row of the unsent ${
          event.kind
        } notification could not be released; it will not be retried: ${
          releaseError instanceof Error
            ? releaseError.message
            : String(releaseError)
        }`,
      );
    }
    return 'failed';
  }
}
