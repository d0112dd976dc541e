import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationKind,
  NotificationLedger,
} from './NotificationLedger';
import { MAX_ERROR_LENGTH } from './NotificationLedger';
import { boundedText } from './untrustedText';

/**
 * Records a failed attempt of an event-driven notification in the ledger
 * and says so in the log: a warning while it will be retried, an error
 * naming the event once it is given up. Shared by the first send and the
 * retries, so that both count attempts alike.
 */
export async function recordFailedAttempt(options: {
  ledger: NotificationLedger;
  logger: LoggerService;
  kind: NotificationKind;
  eventKey: string;
  title: string;
  error: unknown;
  maxAttempts: number;
}): Promise<'pending' | 'failed'> {
  const { ledger, logger, kind, eventKey, title, maxAttempts } = options;
  const message = boundedText(
    options.error instanceof Error
      ? options.error.message
      : String(options.error),
    MAX_ERROR_LENGTH,
  );
  const { status, attempts } = await ledger.recordFailure(
    eventKey,
    message,
    maxAttempts,
  );
  if (status === 'pending') {
    logger.warn(
      `Mesh Readiness: the ${kind} notification "${title}" was not sent (attempt ${attempts} of ${maxAttempts}); the retry task sends it again: ${message}`,
    );
  } else {
    logger.error(
      `Mesh Readiness: gave up the ${kind} notification "${title}" (event ${eventKey}) after ${attempts} attempts: ${message}`,
    );
  }
  return status;
}
