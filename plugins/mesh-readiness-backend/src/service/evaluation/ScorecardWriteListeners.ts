import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ScorecardWrite } from '../../database/Store';

/**
 * Told about scorecards once they are stored: by a scheduled run after each
 * batch's transaction, by a refresh on demand after its write. `history` is
 * present when a verdict or the phase changed (its `changes` carry `from`
 * and `to`, and `previousPhase` the phase before), so a listener can tell a
 * regression from any other change; a stale record (a source failed, the
 * last good verdict kept) comes without history.
 */
export type ScorecardWriteListener = (
  writes: ScorecardWrite[],
) => Promise<void> | void;

/**
 * The listeners of the written scorecards (notifications, live updates).
 * A listener that throws is logged and never fails the evaluation: the
 * scorecards are stored whatever the listeners do.
 */
export class ScorecardWriteListeners {
  private readonly listeners: ScorecardWriteListener[] = [];

  constructor(private readonly logger: LoggerService) {}

  add(listener: ScorecardWriteListener): void {
    this.listeners.push(listener);
  }

  async notify(writes: ScorecardWrite[]): Promise<void> {
    if (writes.length === 0 || this.listeners.length === 0) {
      return;
    }
    for (const listener of this.listeners) {
      try {
        await listener(writes);
      } catch (error) {
        this.logger.warn(
          `Mesh Readiness: a listener of stored scorecards failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
  }
}
