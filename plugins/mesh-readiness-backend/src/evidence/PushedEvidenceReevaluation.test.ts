import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { reevaluateAfterPush } from './PushedEvidenceReevaluation';

describe('reevaluateAfterPush', () => {
  it('triggers the scheduled evaluation, and leaves a run under way to run again', async () => {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const prepareEvidence = jest.fn(async () => undefined);
    const afterPush = reevaluateAfterPush({
      scheduler,
      logger,
      evaluationTaskId: 'mesh-readiness-evaluate',
      prepareEvidence,
    });
    await afterPush('prod-eu');
    expect(scheduler.triggerTask).toHaveBeenCalledWith(
      'mesh-readiness-evaluate',
    );

    scheduler.triggerTask.mockRejectedValueOnce(
      new ConflictError('task is currently running'),
    );
    await afterPush('prod-eu');
    expect(logger.warn).not.toHaveBeenCalled();
    expect(prepareEvidence).not.toHaveBeenCalled();
  });

  it('reads the evidence again on this replica when the scheduled evaluation is off, and never throws', async () => {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const prepareEvidence = jest
      .fn(async () => undefined)
      .mockRejectedValueOnce(new Error('database is locked'));
    const afterPush = reevaluateAfterPush({
      scheduler,
      logger,
      prepareEvidence,
    });
    await expect(afterPush('prod-eu')).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'the bundle of prod-eu is stored, but the evaluation could not be started: database is locked',
      ),
    );
    await afterPush('prod-eu');
    expect(prepareEvidence).toHaveBeenCalledTimes(2);
    expect(scheduler.triggerTask).not.toHaveBeenCalled();
  });
});
