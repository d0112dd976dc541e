import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationRecipients,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type {
  NotificationKind,
  NotificationLedger,
} from './NotificationLedger';

/** One notification of one event. */
export interface NotificationEvent {
  kind: NotificationKind;
  /** Identifies the event across replicas and runs (see the ledger). */
  eventKey: string;
  recipients: NotificationRecipients;
  payload: NotificationPayload;
}

/** What became of an event: sent now, sent before, or failed to send. */
export type SendOutcome = 'sent' | 'already-sent' | 'failed';

/**
 * Sends each event once across replicas: the ledger row is claimed first,
 * and only the replica whose insert made it sends. A failed send is logged
 * and its row released, so that the next run of a scheduled kind tries
 * again instead of taking the event as notified.
 */
export class OnceOnlySender {
  constructor(
    private readonly notifications: NotificationService,
    private readonly ledger: NotificationLedger,
    private readonly logger: LoggerService,
  ) {}

  async send(event: NotificationEvent): Promise<SendOutcome> {
    if (!(await this.ledger.claim(event.kind, event.eventKey))) {
      return 'already-sent';
    }
    try {
      await this.notifications.send({
        recipients: event.recipients,
        payload: event.payload,
      });
      return 'sent';
    } catch (error) {
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
}
