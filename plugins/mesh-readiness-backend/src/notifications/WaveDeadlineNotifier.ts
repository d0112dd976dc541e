import type { Entity } from '@backstage/catalog-model';
import {
  groupAncestryOf,
  phaseReached,
  waveMembership,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardSummaryRecord, Store } from '../database/Store';
import { mentorsOf } from '../service/OrgModel';
import { campaignLink } from './notificationLinks';
import type { OnceOnlySender } from './OnceOnlySender';
import { boundedText, joinBounded } from './untrustedText';

/** Topic of wave deadline notifications. */
export const WAVE_DEADLINE_TOPIC = 'mesh-readiness:wave-deadline';

const DAY_MS = 24 * 60 * 60 * 1000;
const LISTED_SERVICES = 5;

/** Whole UTC days from `now`'s day to the due date (`YYYY-MM-DD`). */
export function daysUntil(dueDate: string, now: Date): number {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return Math.round((Date.parse(`${dueDate}T00:00:00Z`) - today) / DAY_MS);
}

/**
 * The threshold a wave is inside: the smallest of the configured days at
 * or above the days left (14 and 3: 10 days left is the 14-day reminder, 2
 * the 3-day one), or undefined when the wave is further off or overdue.
 */
export function thresholdFor(
  daysLeft: number,
  thresholds: number[],
): number | undefined {
  if (daysLeft < 0) return undefined;
  const inside = thresholds.filter(t => daysLeft <= t);
  return inside.length > 0 ? Math.min(...inside) : undefined;
}

/**
 * Reminds the groups of a wave that falls due within a threshold
 * (`meshReadiness.notifications.waveDeadlines.daysBefore`) while some of
 * their services are below the wave's target phase: per owning group, the
 * group and its mentors, once per program, wave, group and threshold
 * (ledger key), linked to the wave's campaign view. Membership and target
 * are common's wave rule, as everywhere else.
 */
export class WaveDeadlineNotifier {
  constructor(
    private readonly options: {
      sender: OnceOnlySender;
      store: Store;
      programs: () => Program[];
      groups: () => Promise<Map<string, Entity>>;
      daysBefore: number[];
      clock: () => Date;
    },
  ) {}

  async run(): Promise<number> {
    const now = this.options.clock();
    let sent = 0;
    for (const program of this.options.programs()) {
      const due = program.spec.waves.flatMap(wave => {
        const threshold = thresholdFor(
          daysUntil(wave.dueDate, now),
          this.options.daysBefore,
        );
        return threshold === undefined ? [] : [{ wave, threshold }];
      });
      if (due.length === 0) continue;
      const programId = program.metadata.name;
      const groups = await this.options.groups();
      const ancestorsOf = groupAncestryOf(groups.values());
      const scorecards = await this.options.store.listAllScorecards({
        programId,
      });
      for (const { wave, threshold } of due) {
        const behind = new Map<string, ScorecardSummaryRecord[]>();
        for (const scorecard of scorecards) {
          if (!scorecard.owner) continue;
          const member = waveMembership({
            entityRef: scorecard.entityRef,
            ownerRef: scorecard.owner,
            ancestorsOf,
          });
          if (!member(wave)) continue;
          if (phaseReached(program, scorecard.phase, wave.targetPhase)) {
            continue;
          }
          behind.set(scorecard.owner, [
            ...(behind.get(scorecard.owner) ?? []),
            scorecard,
          ]);
        }
        for (const [owner, services] of [...behind].sort(([a], [b]) =>
          a < b ? -1 : 1,
        )) {
          const group = groups.get(owner);
          const mentors = group ? mentorsOf(group) : [];
          const daysLeft = daysUntil(wave.dueDate, now);
          const target =
            program.spec.phases.find(p => p.id === wave.targetPhase)?.title ??
            wave.targetPhase;
          const listed = services
            .slice(0, LISTED_SERVICES)
            .map(
              s => `${boundedText(s.title ?? s.entityRef, 80)} (${s.phase})`,
            );
          const more = services.length - listed.length;
          const outcome = await this.options.sender.send({
            kind: 'wave-deadline',
            eventKey: [
              'wave-deadline',
              programId,
              wave.id,
              owner,
              threshold,
            ].join('|'),
            recipients: { type: 'entity', entityRef: [owner, ...mentors] },
            payload: {
              title: `${wave.title} is due in ${daysLeft} ${
                daysLeft === 1 ? 'day' : 'days'
              }: ${services.length} ${
                services.length === 1 ? 'service' : 'services'
              } of ${boundedText(
                group?.metadata.title ?? owner,
                80,
              )} below ${target}`,
              description: joinBounded(
                [
                  `The wave ${wave.id} of ${programId} wants ${target} by ${wave.dueDate}.`,
                  `Below it: ${listed.join(', ')}${
                    more > 0 ? ` and ${more} more` : ''
                  }.`,
                ],
                1000,
              ),
              link: campaignLink(programId, wave.id),
              severity: threshold <= 3 ? 'high' : 'normal',
              topic: WAVE_DEADLINE_TOPIC,
              scope: `mesh-readiness:wave-deadline:${programId}:${wave.id}:${owner}`,
            },
          });
          if (outcome === 'sent') sent += 1;
        }
      }
    }
    return sent;
  }
}
