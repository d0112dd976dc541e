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

type LedgerRow = {
  event_hash: string;
  kind: string;
  event_key: string;
  sent_at: string;
};

function hashOf(eventKey: string): string {
  return createHash('sha256').update(eventKey).digest('hex');
}

/**
 * The events already notified (migration `20261202_notification_ledger.js`,
 * run with the others by `DatabaseStore.create`). A replica claims an event
 * by inserting its key; the insert that made the row wins, the others find
 * it there and send nothing. Keys are stored hashed (entity refs and ids
 * make them long) and in clear beside the hash.
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

  /** Forgets events claimed before `before` (ISO); returns how many. */
  async prune(before: string): Promise<number> {
    return this.db<LedgerRow>(LEDGER).where('sent_at', '<', before).delete();
  }
}
