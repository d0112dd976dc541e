import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  linkProblem,
  type CheckResult,
  type Finding,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardRecord, ScorecardWrite } from '../database/Store';
import { entityCheckLink, entityTabLink } from './notificationLinks';
import type { NotificationEvent, OnceOnlySender } from './OnceOnlySender';
import {
  regressionOf,
  type PhaseOrder,
  type Regression,
} from './regressionsOf';
import { boundedText, joinBounded } from './untrustedText';

/** Topic of regression notifications (users can mute it in their settings). */
export const REGRESSION_TOPIC = 'mesh-readiness:regression';

const MAX_DESCRIPTION = 1000;
const MAX_MESSAGE = 200;
const MAX_NAME = 120;

/** One finding as the notification quotes it: where, then what. */
function describeFinding(finding: Finding): string {
  const where = [
    finding.file
      ? `${boundedText(finding.file, MAX_NAME)}${
          finding.line !== undefined ? `:${finding.line}` : ''
        }`
      : '',
    finding.resource
      ? boundedText(
          `${finding.resource.kind} ${
            finding.resource.namespace ? `${finding.resource.namespace}/` : ''
          }${finding.resource.name}`,
          MAX_NAME,
        )
      : '',
  ].filter(Boolean);
  const message = boundedText(finding.message, MAX_MESSAGE);
  return where.length > 0 ? `${where.join(' ')}: ${message}` : message;
}

/** The failing findings first, at most `max`, with how many were left out. */
function evidenceOf(check: CheckResult, max: number): string {
  const failing = check.findings.filter(
    f => f.level === 'fail' || f.level === 'warn',
  );
  const quoted = (failing.length > 0 ? failing : check.findings).slice(0, max);
  if (quoted.length === 0) {
    return `Evidence: ${boundedText(check.summary, MAX_MESSAGE)}.`;
  }
  const more = failing.length - quoted.length;
  return `Evidence: ${quoted.map(describeFinding).join('; ')}${
    more > 0 ? ` (and ${more} more)` : ''
  }.`;
}

function playbookOf(check: CheckResult): string {
  const playbook = check.playbook;
  if (!playbook || linkProblem(playbook.url) !== undefined) return '';
  return `Playbook: ${boundedText(playbook.title, MAX_NAME)} ${playbook.url}`;
}

function phaseTitle(record: ScorecardRecord, phaseId: string): string {
  return record.scorecard.phases.find(p => p.id === phaseId)?.title ?? phaseId;
}

/**
 * Tells the owning group when one of its entities regresses: a required
 * check that passed fails, or the phase dropped. One notification per
 * regressed check (scope: the entity's check), or one for a phase drop
 * without a regressed check (scope: the entity's phase), each sent once
 * across replicas (ledger key: entity, program, check and the time it
 * started failing; or the phase change and its time).
 */
export class RegressionNotifier {
  constructor(
    private readonly options: {
      sender: OnceOnlySender;
      program: (programId: string) => PhaseOrder | undefined;
      maxFindings: number;
      logger: LoggerService;
    },
  ) {}

  /** The write listener (`EvaluationService.onScorecardsWritten`). */
  readonly onScorecardsWritten = async (
    writes: ScorecardWrite[],
  ): Promise<void> => {
    for (const write of writes) {
      const regression = regressionOf(
        write,
        this.options.program(write.record.programId),
      );
      if (!regression) continue;
      if (!write.record.owner) {
        this.options.logger.info(
          `Mesh Readiness: ${regression.entityRef} regressed under ${regression.programId}, but it has no owner to notify`,
        );
        continue;
      }
      for (const event of this.eventsOf(regression, write.record)) {
        await this.options.sender.send(event);
      }
    }
  };

  /** The notifications of one regression (exported for the rule's tests). */
  eventsOf(
    regression: Regression,
    record: ScorecardRecord,
  ): NotificationEvent[] {
    const { entityRef, programId, phaseDrop } = regression;
    const recipients = { type: 'entity' as const, entityRef: record.owner! };
    const name = boundedText(record.title ?? entityRef, MAX_NAME);
    const dropped = phaseDrop
      ? `Its phase dropped from ${phaseTitle(
          record,
          phaseDrop.from,
        )} to ${phaseTitle(record, phaseDrop.to)}.`
      : '';
    const events: NotificationEvent[] = regression.checks.map(
      ({ check, failingSince }) => ({
        kind: 'regression',
        eventKey: [
          'regression',
          entityRef,
          programId,
          check.checkId,
          failingSince,
        ].join('|'),
        recipients,
        payload: {
          title: `${name} now fails "${check.title}"`,
          description: joinBounded(
            [
              `${check.checkId} passed before and fails since ${failingSince} (${programId}).`,
              dropped,
              evidenceOf(check, this.options.maxFindings),
              playbookOf(check),
            ],
            MAX_DESCRIPTION,
          ),
          link: entityCheckLink(entityRef, check.checkId),
          severity: 'high',
          topic: REGRESSION_TOPIC,
          scope: `mesh-readiness:regression:${programId}:${entityRef}:${check.checkId}`,
        },
      }),
    );
    if (phaseDrop && events.length === 0) {
      // Lost to something other than a passing check: an attestation that
      // expired or was reset, a waiver that ended, a check that was waived.
      const blockers = record.scorecard.nextSteps.slice(0, 3);
      const first = blockers[0];
      events.push({
        kind: 'regression',
        eventKey: [
          'regression',
          entityRef,
          programId,
          `phase:${phaseDrop.from}>${phaseDrop.to}`,
          phaseDrop.at,
        ].join('|'),
        recipients,
        payload: {
          title: `${name} dropped from ${phaseTitle(
            record,
            phaseDrop.from,
          )} to ${phaseTitle(record, phaseDrop.to)}`,
          description: joinBounded(
            [
              `Under ${programId}, evaluated ${phaseDrop.at}.`,
              blockers.length > 0
                ? `Now blocking: ${blockers
                    .map(
                      step => `${step.title} (${step.itemId}, ${step.status})`,
                    )
                    .join('; ')}.`
                : '',
            ],
            MAX_DESCRIPTION,
          ),
          link: first
            ? entityCheckLink(entityRef, first.itemId)
            : entityTabLink(entityRef),
          severity: 'high',
          topic: REGRESSION_TOPIC,
          scope: `mesh-readiness:phase:${programId}:${entityRef}`,
        },
      });
    }
    return events;
  }
}
