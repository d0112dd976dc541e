import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import type { ScorecardWrite } from '../database/Store';
import { NotificationLedger } from './NotificationLedger';
import type { NotificationSettings } from './NotificationSettings';
import { OnceOnlySender } from './OnceOnlySender';
import { RegressionNotifier } from './RegressionNotifier';

/**
 * The notifications of the Mesh Readiness plugin, each kind on or off as
 * configured: what the plugin wires to the evaluation's writes, the
 * waiver workflow and its scheduled task.
 */
export class MeshReadinessNotifier {
  private readonly regressions?: RegressionNotifier;

  constructor(options: {
    settings: NotificationSettings;
    notifications: NotificationService;
    db: Knex;
    program: (programId: string) => Program | undefined;
    logger: LoggerService;
  }) {
    const { settings, logger } = options;
    const sender = new OnceOnlySender(
      options.notifications,
      new NotificationLedger(options.db),
      logger,
    );
    if (settings.regressions.enabled) {
      this.regressions = new RegressionNotifier({
        sender,
        program: options.program,
        maxFindings: settings.regressions.maxFindings,
        logger,
      });
    }
  }

  /** The listener of stored scorecards: regressions. */
  readonly onScorecardsWritten = async (
    writes: ScorecardWrite[],
  ): Promise<void> => {
    await this.regressions?.onScorecardsWritten(writes);
  };
}
