import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  meshReadinessEntityChannel,
  type MeshReadinessEntitySignal,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardWrite } from '../database/Store';

/**
 * Tells the open pages of an entity that its scorecard was stored, so they
 * read it again (an attestation made in another tab, a refresh, a scheduled
 * run that changed a verdict). One signal per written scorecard on the
 * entity's channel, broadcast: a page subscribed to the channel reads the
 * scorecard through the API, which checks the reader's permission, so the
 * signal carries only what says which scorecard to read.
 */
export class ScorecardSignals {
  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  /** A listener for `EvaluationService.onScorecardsWritten`. */
  readonly publish = async (writes: ScorecardWrite[]): Promise<void> => {
    const results = await Promise.allSettled(
      writes.map(({ record }) =>
        this.signals.publish<MeshReadinessEntitySignal>({
          recipients: { type: 'broadcast' },
          channel: meshReadinessEntityChannel(record.entityRef),
          message: {
            entityRef: record.entityRef,
            programId: record.programId,
            phase: record.scorecard.phase,
            evaluatedAt: record.scorecard.evaluatedAt,
          },
        }),
      ),
    );
    const failed = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed.length > 0) {
      // The scorecards are stored; the pages show them on their next read.
      this.logger.warn(
        `Mesh Readiness: ${failed.length} of ${
          writes.length
        } scorecard signals were not published: ${String(
          failed[0].reason instanceof Error
            ? failed[0].reason.message
            : failed[0].reason,
        )}`,
      );
    }
  };
}
