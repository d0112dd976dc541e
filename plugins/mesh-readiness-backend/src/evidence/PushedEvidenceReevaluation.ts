import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';

/**
 * What follows a stored push: the scorecards of the cluster's entities
 * update without waiting for the next interval.
 *
 * With the scheduled evaluation on, its task is triggered (it runs on one
 * replica, reads the new bundle in `prepareRun`, and evaluates only the
 * entities whose facts changed). A run already under way is not disturbed:
 * it checks for pushes it did not read when it ends and runs once more
 * (`ClusterEvidenceProvider.pushedSinceLastRun`). With the scheduled
 * evaluation off, this replica reads the evidence again, so that a refresh
 * on demand sees the bundle.
 */
export function reevaluateAfterPush(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  /** The id of the scheduled evaluation task; undefined when it is off. */
  evaluationTaskId?: string;
  /** Reads every evidence source again (this replica). */
  prepareEvidence: () => Promise<void>;
}): (cluster: string) => Promise<void> {
  const { scheduler, logger, evaluationTaskId } = options;
  return async cluster => {
    try {
      if (evaluationTaskId) {
        await scheduler.triggerTask(evaluationTaskId);
      } else {
        await options.prepareEvidence();
      }
    } catch (error) {
      if (isError(error) && error.name === 'ConflictError') {
        // Running now; it runs again when it ends.
        return;
      }
      logger.warn(
        `Mesh Readiness: the bundle of ${cluster} is stored, but the evaluation could not be started: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
  };
}
