import type { Entity } from '@backstage/catalog-model';
import {
  NOT_STARTED_PHASE,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Store } from '../database/Store';
import { groupWithDescendants, mentorsOf } from '../service/OrgModel';
import { myTeamsLink } from './notificationLinks';
import type { OnceOnlySender } from './OnceOnlySender';
import { boundedText, joinBounded } from './untrustedText';

/** Topic of the weekly digest. */
export const DIGEST_TOPIC = 'mesh-readiness:digest';

const DAY_MS = 24 * 60 * 60 * 1000;
const STUCK_LISTED = 3;

/** The ISO 8601 week of a date, e.g. `2026-W49`. */
export function isoWeek(date: Date): string {
  const day = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
  );
  // The week's Thursday decides its year.
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** One team's week, as the digest words it. */
export interface TeamWeek {
  groupRef: string;
  title: string;
  services: number;
  phases: Array<{ phase: string; count: number }>;
  movedUp: number;
  regressions: Array<{ entityRef: string; from: string; to: string }>;
  /** Required checks failing for longer than the threshold. */
  stuck: Array<{ checkId: string; services: number; failingSince: string }>;
}

/**
 * A weekly digest for each mentor (`mesh-readiness.io/mentor` on a Group):
 * per team they mentor (with its child groups), the services per phase,
 * how many moved up this week, the regressions of the week and the
 * required checks failing for longer than
 * `meshReadiness.notifications.digest.stuckAfterDays`; linked to the
 * "My teams" tab. Sent by the first scheduled run of each ISO week, once
 * per mentor and week (ledger key); the new digest replaces last week's
 * (scope).
 */
export class MentorDigest {
  constructor(
    private readonly options: {
      sender: OnceOnlySender;
      store: Store;
      programs: () => Program[];
      groups: () => Promise<Map<string, Entity>>;
      stuckAfterDays: number;
      clock: () => Date;
    },
  ) {}

  private phaseRank(programId: string, phase: string): number {
    if (phase === NOT_STARTED_PHASE) return -1;
    const program = this.options
      .programs()
      .find(p => p.metadata.name === programId);
    return program?.spec.phases.findIndex(p => p.id === phase) ?? -1;
  }

  /** Position of a phase across the programs (`not-started` first). */
  private orderOf(phase: string): number {
    const order = [NOT_STARTED_PHASE];
    for (const program of this.options.programs()) {
      for (const p of program.spec.phases) {
        if (!order.includes(p.id)) order.push(p.id);
      }
    }
    const index = order.indexOf(phase);
    return index < 0 ? order.length : index;
  }

  /** One team's week (read from the store). */
  async teamWeek(
    groupRef: string,
    groups: Map<string, Entity>,
  ): Promise<TeamWeek> {
    const now = this.options.clock().getTime();
    const owners = groupWithDescendants(groupRef, groups);
    const [phases, history, blockers] = await Promise.all([
      this.options.store.countPhases({ owners }),
      this.options.store.listAllHistory({
        owners,
        since: new Date(now - 7 * DAY_MS).toISOString(),
        phaseTransitionsOnly: true,
        withoutChanges: true,
      }),
      this.options.store.listBlockers({ owners }, 100),
    ]);
    const stuckBefore = now - this.options.stuckAfterDays * DAY_MS;
    let movedUp = 0;
    const regressions: TeamWeek['regressions'] = [];
    for (const row of history) {
      if (row.previousPhase === undefined) continue;
      const from = this.phaseRank(row.programId, row.previousPhase);
      const to = this.phaseRank(row.programId, row.phase);
      if (to > from) movedUp += 1;
      if (to < from) {
        regressions.push({
          entityRef: row.entityRef,
          from: row.previousPhase,
          to: row.phase,
        });
      }
    }
    return {
      groupRef,
      title: groups.get(groupRef)?.metadata.title ?? groupRef,
      services: phases.reduce((sum, p) => sum + p.count, 0),
      phases: phases
        .map(p => ({ phase: p.phase, count: p.count }))
        .sort((a, b) => this.orderOf(a.phase) - this.orderOf(b.phase)),
      movedUp,
      regressions,
      stuck: blockers
        .filter(b => Date.parse(b.failingSince) < stuckBefore)
        .map(b => ({
          checkId: b.checkId,
          services: b.entityRefs.length,
          failingSince: b.failingSince,
        })),
    };
  }

  private describe(team: TeamWeek): string {
    const phases = team.phases.map(p => `${p.phase} ${p.count}`).join(', ');
    const regressions = team.regressions
      .slice(0, STUCK_LISTED)
      .map(r => `${r.entityRef} ${r.from}→${r.to}`)
      .join(', ');
    const stuck = team.stuck
      .slice(0, STUCK_LISTED)
      .map(
        s =>
          `${s.checkId} (${s.services} ${
            s.services === 1 ? 'service' : 'services'
          } since ${s.failingSince.slice(0, 10)})`,
      )
      .join(', ');
    return [
      `${boundedText(team.title, 80)}: ${team.services} services (${
        phases || 'none evaluated'
      });`,
      `${team.movedUp} moved up, ${
        team.regressions.length
      } regressed this week${regressions ? ` (${regressions})` : ''};`,
      team.stuck.length > 0
        ? `stuck for over ${this.options.stuckAfterDays} days: ${stuck}${
            team.stuck.length > STUCK_LISTED
              ? ` and ${team.stuck.length - STUCK_LISTED} more`
              : ''
          }.`
        : 'nothing stuck.',
    ].join(' ');
  }

  async run(): Promise<number> {
    const week = isoWeek(this.options.clock());
    const groups = await this.options.groups();
    const teamsOf = new Map<string, string[]>();
    for (const [groupRef, group] of groups) {
      for (const mentor of mentorsOf(group)) {
        teamsOf.set(mentor, [...(teamsOf.get(mentor) ?? []), groupRef]);
      }
    }
    let sent = 0;
    for (const [mentor, groupRefs] of [...teamsOf].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      const teams = await Promise.all(
        groupRefs.sort().map(ref => this.teamWeek(ref, groups)),
      );
      const withServices = teams.filter(t => t.services > 0);
      if (withServices.length === 0) continue;
      const regressions = withServices.reduce(
        (sum, t) => sum + t.regressions.length,
        0,
      );
      const stuck = withServices.reduce((sum, t) => sum + t.stuck.length, 0);
      const outcome = await this.options.sender.send({
        kind: 'digest',
        eventKey: ['digest', mentor, week].join('|'),
        recipients: { type: 'entity', entityRef: mentor },
        payload: {
          title: `Mesh Readiness, week ${week}: ${withServices.length} ${
            withServices.length === 1 ? 'team' : 'teams'
          }, ${regressions} ${
            regressions === 1 ? 'regression' : 'regressions'
          }, ${stuck} stuck ${stuck === 1 ? 'check' : 'checks'}`,
          description: joinBounded(
            withServices.map(t => this.describe(t)),
            2000,
          ),
          link: myTeamsLink(),
          severity: 'low',
          topic: DIGEST_TOPIC,
          scope: 'mesh-readiness:digest',
        },
      });
      if (outcome === 'sent') sent += 1;
    }
    return sent;
  }
}
