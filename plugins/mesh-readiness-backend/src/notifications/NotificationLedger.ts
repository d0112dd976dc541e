import type { Knex } from 'knex';
import { createHash } from 'node:crypto';

const LEDGER = 'mesh_readiness_notification_ledger';

/** What a notification is about; the ledger counts them per kind. */
export type NotificationKind =
  | 'regression'
  | 'expiry'
  | 'wave-deadline'
  | 'waiver'
  | 'digest';

/**
 * The kinds sent when something happens rather than found again by a
 * scheduled run: a failed send of theirs is kept pending and retried.
 */
export const RETRIED_KINDS: ReadonlySet<NotificationKind> = new Set([
  'regression',
  'waiver',
]);

/**
 * `sent`: notified (or, for a scheduled kind, being sent); `sending`: a
 * replica is sending it; `pending`: its last send failed, to retry;
 * `failed`: given up after the last attempt allowed.
 */
export type LedgerStatus = 'sent' | 'sending' | 'pending' | 'failed';

type LedgerRow = {
  event_hash: string;
  kind: string;
  event_key: string;
  sent_at: string;
  status: LedgerStatus;
  recipients: string | null;
  payload: string | null;
  attempts: number;
  attempted_at: string | null;
  last_error: string | null;
};

/** An event-driven notification whose send is to be retried. */
export interface PendingNotification {
  kind: NotificationKind;
  eventKey: string;
  /** JSON, as stored; the retrier parses it. */
  recipients: string;
  payload: string;
  /** Attempts so far; a retry claims the row with it. */
  attempts: number;
  status: 'pending' | 'sending';
  lastError?: string;
}

/** The ledger keeps this much of an error message. */
export const MAX_ERROR_LENGTH = 500;

/**
 * The rows a retry may take: pending, or left `sending` since before
 * `staleBefore` (their replica stopped mid-send). Listing and claiming
 * use this one condition, so a listed row is one a claim can win.
 */
function retryDue(staleBefore: string) {
  return (q: Knex.QueryBuilder) =>
    q
      .where('status', 'pending')
      .orWhere(s =>
        s.where('status', 'sending').where('attempted_at', '<', staleBefore),
      );
}

function hashOf(eventKey: string): string {
  return createHash('sha256').update(eventKey).digest('hex');
}

/**
 * The events already notified (migration `20261202_notification_ledger.js`,
 * run with the others by `DatabaseStore.create`), and the event-driven ones
 * still to send (`20261203_notification_ledger_retry.js`). A replica claims
 * an event by inserting its key; the insert that made the row wins, the
 * others find it there and send nothing. A pending event is claimed for a
 * retry by a conditional update on its status and attempt count, which one
 * replica wins. Keys are stored hashed (entity refs and ids make them
 * long) and in clear beside the hash.
 */
export class NotificationLedger {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Claims the event; true when this call made the row (and should send). */
  async claim(kind: NotificationKind, eventKey: string): Promise<boolean> {
    const inserted = await this.db<LedgerRow>(LEDGER)
      .insert({
        event_hash: hashOf(eventKey),
        kind,
        event_key: eventKey,
        sent_at: this.clock().toISOString(),
      })
      .onConflict('event_hash')
      .ignore()
      .returning('event_hash');
    return inserted.length > 0;
  }

  /**
   * Claims an event-driven event with what resends it: the row is
   * `sending` (attempt 1) until `markSent` or `recordFailure`. True when
   * this call made the row.
   */
  async claimForSending(event: {
    kind: NotificationKind;
    eventKey: string;
    recipients: unknown;
    payload: unknown;
  }): Promise<boolean> {
    const now = this.clock().toISOString();
    const inserted = await this.db<LedgerRow>(LEDGER)
      .insert({
        event_hash: hashOf(event.eventKey),
        kind: event.kind,
        event_key: event.eventKey,
        sent_at: now,
        status: 'sending',
        recipients: JSON.stringify(event.recipients),
        payload: JSON.stringify(event.payload),
        attempts: 1,
        attempted_at: now,
      })
      .onConflict('event_hash')
      .ignore()
      .returning('event_hash');
    return inserted.length > 0;
  }

  /**
   * Claims a pending event for one more attempt: true for the one replica
   * whose update found the row as it was listed (same status and attempt
   * count). A row left `sending` since before `staleBefore` (its replica
   * stopped mid-send) may be claimed again.
   */
  async claimRetry(
    pending: PendingNotification,
    staleBefore: string,
  ): Promise<boolean> {
    const updated = await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(pending.eventKey))
      .where('attempts', pending.attempts)
      .where(retryDue(staleBefore))
      .update({
        status: 'sending',
        attempts: pending.attempts + 1,
        attempted_at: this.clock().toISOString(),
      });
    return updated === 1;
  }

  /** The claimed event was sent: what would resend it is dropped. */
  async markSent(eventKey: string): Promise<void> {
    await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .update({
        status: 'sent',
        recipients: null,
        payload: null,
        last_error: null,
      });
  }

  /**
   * The claimed event's attempt failed: it stays pending with the error,
   * or is given up (`failed`) once `maxAttempts` were made. Returns the
   * status and the attempts made.
   */
  async recordFailure(
    eventKey: string,
    error: string,
    maxAttempts: number,
  ): Promise<{ status: 'pending' | 'failed'; attempts: number }> {
    const row = await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .first('attempts');
    const attempts = Number(row?.attempts ?? maxAttempts);
    const status = attempts >= maxAttempts ? 'failed' : 'pending';
    await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .update({
        status,
        // A given-up event keeps its payload, for operators to read.
        last_error: error.slice(0, MAX_ERROR_LENGTH),
      });
    return { status, attempts };
  }

  /**
   * The events of `kinds` to retry, oldest first, at most `limit`: pending
   * ones, and ones left `sending` since before `staleBefore`.
   */
  async pending(
    kinds: NotificationKind[],
    staleBefore: string,
    limit: number,
  ): Promise<PendingNotification[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db<LedgerRow>(LEDGER)
      .whereIn('kind', kinds)
      .where(retryDue(staleBefore))
      .orderBy([
        { column: 'sent_at', order: 'asc' },
        { column: 'event_hash', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(row => ({
      kind: row.kind as NotificationKind,
      eventKey: row.event_key,
      recipients: row.recipients ?? '',
      payload: row.payload ?? '',
      attempts: Number(row.attempts),
      status: row.status === 'sending' ? 'sending' : 'pending',
      ...(row.last_error ? { lastError: row.last_error } : {}),
    }));
  }

  /** The event's status, or undefined when it was never claimed. */
  async statusOf(
    eventKey: string,
  ): Promise<
    { status: LedgerStatus; attempts: number; lastError?: string } | undefined
  > {
    const row = await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .first();
    if (!row) return undefined;
    return {
      status: row.status,
      attempts: Number(row.attempts),
      ...(row.last_error ? { lastError: row.last_error } : {}),
    };
  }

  /** Gives a claimed event up (its send failed), so that a later run retries. */
  async release(eventKey: string): Promise<void> {
    await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .delete();
  }

  /** Whether the event was claimed. */
  async has(eventKey: string): Promise<boolean> {
    const row = await this.db<LedgerRow>(LEDGER)
      .where('event_hash', hashOf(eventKey))
      .first();
    return row !== undefined;
  }

  /**
   * Forgets events claimed before `before` (ISO); returns how many. Events
   * still to retry (pending, sending) are kept whatever their age: each
   * run of the task retries them, so they end sent or given up (logged)
   * within the attempts allowed, and are forgotten with the others after
   * that; dropping one earlier would lose it without a word.
   */
  async prune(before: string): Promise<number> {
    return this.db<LedgerRow>(LEDGER)
      .where('sent_at', '<', before)
      .whereIn('status', ['sent', 'failed'])
      .delete();
  }
}
