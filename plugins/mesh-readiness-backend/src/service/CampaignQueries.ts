import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  NOT_STARTED_PHASE,
  phaseReached,
  tryNormalizeEntityRef,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  CampaignActivityRecord,
  CampaignDayDelta,
  WaveCampaignStore,
  WaveScope,
} from '../database/WaveCampaignStore';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { groupWithDescendants } from './OrgModel';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Days of burn-up at most. History is pruned after
 * `meshReadiness.history.retentionDays` (365 by default), so a series
 * rarely gets near it; past it the series starts this many days ago (it is
 * anchored at today's counts, so it stays right).
 */
export const MAX_CAMPAIGN_DAYS = 1096;

// Type aliases, not interfaces: the typed router's response types have
// index signatures, which only aliases satisfy implicitly.
export type BurnUpPoint = {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  /** Members at or beyond the target phase at the end of the day. */
  atTarget: number;
  /** Members in scope at the end of the day. */
  inScope: number;
};

export type WaveCampaign = {
  wave: {
    id: string;
    title: string;
    programId: string;
    programTitle: string;
    targetPhase: string;
    dueDate: string;
  };
  /** First day of the campaign: the members' first evaluation, else today. */
  start: string;
  today: string;
  /** Whole days from today to the due date; negative once overdue. */
  daysLeft: number;
  total: number;
  atTarget: number;
  series: BurnUpPoint[];
  /** From the first point's count at the start to everyone at the due date. */
  ideal: Array<{ date: string; atTarget: number }>;
  behind: {
    items: Array<{
      entityRef: string;
      title?: string;
      owner?: string;
      phase: string;
      failingChecks: number;
      lastActivity?: CampaignActivityRecord;
    }>;
    totalCount: number;
  };
  owners: Array<{
    owner?: string;
    inScope: number;
    atTarget: number;
    behind: number;
  }>;
};

/** Refs of a wave list in full form; one that does not parse matches nothing. */
function fullRefs(refs: string[] | undefined, defaultKind: string): string[] {
  return (refs ?? []).flatMap(ref => {
    const full = tryNormalizeEntityRef(ref, defaultKind);
    return full ? [full] : [];
  });
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Counts of each day from `start` to `today`, anchored at today's counts:
 * a day's count is today's minus what changed after it. History older than
 * the retention is pruned, so counting forward from zero would start wrong;
 * counting back from the current scorecards does not.
 */
export function burnUpSeries(options: {
  start: string;
  today: string;
  total: number;
  atTarget: number;
  deltas: CampaignDayDelta[];
}): BurnUpPoint[] {
  const { start, today, deltas } = options;
  const points: BurnUpPoint[] = [];
  let inScope = options.total;
  let atTarget = options.atTarget;
  let next = deltas.length - 1;
  for (let day = today; day >= start; day = addDays(day, -1)) {
    // Changes after this day are undone before it is counted.
    while (next >= 0 && deltas[next].day > day) {
      inScope -= deltas[next].entered;
      atTarget -= deltas[next].reached;
      next--;
    }
    const scope = Math.max(0, inScope);
    points.push({
      date: day,
      atTarget: Math.min(scope, Math.max(0, atTarget)),
      inScope: scope,
    });
  }
  return points.reverse();
}

/**
 * The campaign view of a wave: its burn-up from the history, the services
 * still below its target with their latest activity, and its owners.
 * Membership and target are common's wave rule, matched by the database
 * as the wave progress of the overview matches it (ReadinessQueries): a
 * current scorecard of the program whose entity the wave lists, or whose
 * owner is one of the wave's groups or their descendants; at target when
 * its phase is one `phaseReached` accepts.
 *
 * The wave schema has no start date: the campaign starts on the day of the
 * members' first evaluation in the history (or, where retention pruned
 * it, the first day one crossed the target), or today when none has any.
 */
export class CampaignQueries {
  constructor(
    private readonly store: WaveCampaignStore,
    private readonly programs: ProgramRegistry,
    private readonly allGroups: () => Promise<Map<string, Entity>>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private async scope(program: Program, waveIndex: number): Promise<WaveScope> {
    const wave = program.spec.waves[waveIndex];
    const groups = await this.allGroups();
    const phases = [
      NOT_STARTED_PHASE,
      ...program.spec.phases.map(phase => phase.id),
    ];
    return {
      programId: program.metadata.name,
      entityRefs: fullRefs(wave.entities, 'component'),
      owners: [
        ...new Set(
          fullRefs(wave.groups, 'group').flatMap(group =>
            groupWithDescendants(group, groups),
          ),
        ),
      ],
      phasesAtTarget: phases.filter(phase =>
        phaseReached(program, phase, wave.targetPhase),
      ),
    };
  }

  /**
   * The campaign of a wave, with at most `behindLimit` services behind;
   * 404 when the program is not in force or has no such wave.
   */
  async campaign(
    programId: string,
    waveId: string,
    options: { behindLimit: number },
  ): Promise<WaveCampaign> {
    const program = this.programs.get(programId);
    if (!program) {
      throw new NotFoundError(`no program "${programId}" is in force`);
    }
    const waveIndex = program.spec.waves.findIndex(w => w.id === waveId);
    if (waveIndex < 0) {
      throw new NotFoundError(`program "${programId}" has no wave "${waveId}"`);
    }
    const wave = program.spec.waves[waveIndex];
    const scope = await this.scope(program, waveIndex);
    const phaseOrder = [
      NOT_STARTED_PHASE,
      ...program.spec.phases.map(phase => phase.id),
    ];
    const [counts, deltas, behind, owners] = await Promise.all([
      this.store.count(scope),
      this.store.dailyDeltas(scope),
      this.store.behind(scope, phaseOrder, options.behindLimit),
      this.store.owners(scope),
    ]);
    const activity = await this.store.lastActivity(
      scope.programId,
      behind.items.map(item => item.entityRef),
    );

    const today = this.clock().toISOString().slice(0, 10);
    const start =
      deltas.length > 0 && deltas[0].day < today ? deltas[0].day : today;
    const earliestShown = addDays(today, -(MAX_CAMPAIGN_DAYS - 1));
    const series = burnUpSeries({
      start: start < earliestShown ? earliestShown : start,
      today,
      total: counts.total,
      atTarget: counts.atTarget,
      deltas,
    });
    return {
      wave: {
        id: wave.id,
        title: wave.title,
        programId: scope.programId,
        programTitle: program.metadata.title,
        targetPhase: wave.targetPhase,
        dueDate: wave.dueDate,
      },
      start,
      today,
      daysLeft: Math.round(
        (Date.parse(wave.dueDate.slice(0, 10)) - Date.parse(today)) / DAY_MS,
      ),
      total: counts.total,
      atTarget: counts.atTarget,
      series,
      ideal: [
        { date: series[0].date, atTarget: series[0].atTarget },
        { date: wave.dueDate.slice(0, 10), atTarget: counts.total },
      ],
      behind: {
        totalCount: behind.totalCount,
        items: behind.items.map(item => {
          const last = activity.get(item.entityRef);
          return last ? { ...item, lastActivity: last } : item;
        }),
      },
      owners: owners.map(owner => ({
        ...owner,
        behind: owner.inScope - owner.atTarget,
      })),
    };
  }
}
