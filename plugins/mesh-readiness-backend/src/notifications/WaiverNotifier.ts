import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { WaiverEvent } from '../service/ReadinessWorkflows';
import { entityCheckLink } from './notificationLinks';
import type { OnceOnlySender } from './OnceOnlySender';
import { boundedText, joinBounded } from './untrustedText';

/** Topic of waiver notifications. */
export const WAIVER_TOPIC = 'mesh-readiness:waiver';

const MAX_DESCRIPTION = 1000;

/**
 * A waiver requested goes to the approver group
 * (`meshReadiness.waivers.approverGroup`; without one the permission
 * policy decides who approves, and nobody is told), the requester left
 * out; a decision (approved, rejected) goes to the requester. Revoking is
 * not notified: the requester withdrew it, or its owners see it on the
 * scorecard. One notification per waiver and recipient (scope: the
 * waiver), each event once (ledger key: waiver id and event).
 */
export class WaiverNotifier {
  constructor(
    private readonly options: {
      sender: OnceOnlySender;
      approverGroup?: string;
      logger: LoggerService;
    },
  ) {}

  readonly onWaiverEvent = async ({
    event,
    waiver,
  }: WaiverEvent): Promise<void> => {
    try {
      const entity = boundedText(parseEntityRef(waiver.entityRef).name, 120);
      const common = {
        link: entityCheckLink(waiver.entityRef, waiver.itemId),
        topic: WAIVER_TOPIC,
        scope: `mesh-readiness:waiver:${waiver.id}`,
      };
      const justification = `Justification: ${boundedText(
        waiver.justification,
        400,
      )}`;
      if (event === 'requested') {
        if (!this.options.approverGroup) return;
        await this.options.sender.send({
          kind: 'waiver',
          eventKey: ['waiver', waiver.id, event].join('|'),
          recipients: {
            type: 'entity',
            entityRef: this.options.approverGroup,
            excludeEntityRef: waiver.requestedBy,
          },
          payload: {
            ...common,
            title: `Waiver requested for ${entity}: ${waiver.itemId}`,
            description: joinBounded(
              [
                `${waiver.requestedBy} asks to waive ${waiver.itemId} on ${waiver.entityRef} (${waiver.programId}) until ${waiver.expiresAt}.`,
                justification,
              ],
              MAX_DESCRIPTION,
            ),
            severity: 'normal',
          },
        });
        return;
      }
      if (event !== 'approved' && event !== 'rejected') return;
      await this.options.sender.send({
        kind: 'waiver',
        eventKey: ['waiver', waiver.id, event].join('|'),
        recipients: { type: 'entity', entityRef: waiver.requestedBy },
        payload: {
          ...common,
          title: `Waiver ${event} for ${entity}: ${waiver.itemId}`,
          description: joinBounded(
            [
              `${waiver.decidedBy ?? 'An approver'} ${event} your waiver of ${
                waiver.itemId
              } on ${waiver.entityRef} (${waiver.programId})${
                event === 'approved'
                  ? `, in force until ${waiver.expiresAt}`
                  : ''
              }.`,
              waiver.decisionComment
                ? `Comment: ${boundedText(waiver.decisionComment, 400)}`
                : '',
            ],
            MAX_DESCRIPTION,
          ),
          severity: event === 'rejected' ? 'high' : 'normal',
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Mesh Readiness: the notification of waiver ${
          waiver.id
        } (${event}) failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  };
}
