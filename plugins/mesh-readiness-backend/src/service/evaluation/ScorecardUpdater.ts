import {
  evaluate,
  ownerRefOf,
  type Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  HistoryChange,
  HistoryRecord,
  ScorecardState,
  ScorecardWrite,
  Store,
} from '../../database/Store';
import { systemRefOf } from '../CatalogSystems';
import type { EventLoopYielder } from '../EventLoopYielder';
import { scorecardKey, type Collected } from './types';

/**
 * Scorecards written per transaction. The store compresses every scorecard
 * before it writes (and SQLite writes synchronously): a whole page at once
 * would hold the event loop for hundreds of milliseconds, so a page is
 * written in batches with a turn of the event loop between them. A
 * scorecard and its history row are always in the same batch.
 */
export const WRITE_BATCH = 50;

function isFailing(status: string): boolean {
  return status === 'fail' || status === 'unknown';
}

/** What changed between two scorecards, for the history. */
export function diffScorecards(
  previous: Scorecard | undefined,
  next: Scorecard,
): HistoryChange[] {
  const before = new Map<string, string>();
  for (const check of previous?.checks ?? [])
    before.set(check.checkId, check.status);
  for (const item of previous?.checklist ?? [])
    before.set(item.itemId, item.status);
  const changes: HistoryChange[] = [];
  const note = (itemId: string, to: string) => {
    const from = before.get(itemId);
    if (from !== to) {
      changes.push(from === undefined ? { itemId, to } : { itemId, from, to });
    }
  };
  for (const check of next.checks) note(check.checkId, check.status);
  for (const item of next.checklist) note(item.itemId, item.status);
  return changes;
}

/** What a batch comes to: the rows to write and every entity's phase. */
export interface ScorecardUpdate {
  evaluated: number;
  unchanged: number;
  stale: number;
  writes: ScorecardWrite[];
  /** The phase of every entity of the batch after the update. */
  phases: Map<string, string>;
}

/**
 * Decides what to store for collected facts: nothing when the facts hash and
 * the program version are those of the stored row (and its verdict has not
 * expired, nor grown older than `maxAgeMs`); the last good scorecard marked
 * stale when a source failed and a complete one exists; else a new
 * scorecard, with a history row when a verdict or the phase changed.
 */
export class ScorecardUpdater {
  constructor(
    private readonly options: {
      store: Store;
      clock: () => Date;
      /** Re-evaluate an unchanged entity anyway after this long. */
      maxAgeMs: number;
    },
  ) {}

  /** The stored states of a batch, keyed by `scorecardKey`. */
  async readStates(entityRefs: string[]): Promise<Map<string, ScorecardState>> {
    const states = await this.options.store.getScorecardStates(entityRefs);
    return new Map(states.map(s => [scorecardKey(s), s]));
  }

  async update(
    collected: Collected[],
    states: Map<string, ScorecardState>,
    options: { force: boolean; yielder?: EventLoopYielder },
  ): Promise<ScorecardUpdate> {
    const writes: ScorecardWrite[] = [];
    const phases = new Map<string, string>();
    const result = { evaluated: 0, unchanged: 0, stale: 0, writes, phases };
    const now = this.options.clock().toISOString();
    const needPrevious: Collected[] = [];
    for (const c of collected) {
      const state = states.get(
        scorecardKey({
          entityRef: c.entityRef,
          programId: c.program.metadata.name,
        }),
      );
      const upToDate =
        state &&
        !options.force &&
        state.factsHash === c.factsHash &&
        state.programVersion === c.program.metadata.version &&
        !state.stale &&
        (!state.validUntil || state.validUntil > now) &&
        Date.parse(now) - Date.parse(state.evaluatedAt) < this.options.maxAgeMs;
      if (upToDate) {
        // Unchanged rows are not written at all: no statement, no dead tuples.
        result.unchanged += 1;
        phases.set(c.entityRef, state.phase);
      } else {
        needPrevious.push(c);
      }
    }
    if (needPrevious.length === 0) {
      return result;
    }

    const previousRecords = await this.options.store.getScorecards(
      needPrevious.map(c => c.entityRef),
    );
    const previousOf = new Map(previousRecords.map(r => [scorecardKey(r), r]));
    for (const c of needPrevious) {
      await options.yielder?.maybeYield();
      const programId = c.program.metadata.name;
      const previous = previousOf.get(
        scorecardKey({ entityRef: c.entityRef, programId }),
      );
      const owner = ownerRefOf(c.entity);
      const system = systemRefOf(c.entity);
      const title = c.entity.metadata.title ?? c.entity.metadata.name;
      if (c.failures.length > 0 && previous?.evidenceComplete) {
        // Keep the last good verdict with its evidence and timestamps.
        result.stale += 1;
        phases.set(c.entityRef, previous.scorecard.phase);
        writes.push({
          record: {
            ...previous,
            owner,
            system,
            title,
            stale: true,
            staleReason: c.failures.join('; '),
            staleSince: previous.staleSince ?? now,
            checkedAt: now,
          },
        });
        continue;
      }
      const scorecard = evaluate(c.program, c.facts);
      result.evaluated += 1;
      phases.set(c.entityRef, scorecard.phase);
      const failingSince: Record<string, string> = {};
      for (const check of scorecard.checks) {
        if (check.severity === 'required' && isFailing(check.status)) {
          failingSince[check.checkId] =
            previous?.failingSince[check.checkId] ?? scorecard.evaluatedAt;
        }
      }
      const changes = diffScorecards(previous?.scorecard, scorecard);
      const phaseChanged = previous?.scorecard.phase !== scorecard.phase;
      const history: HistoryRecord | undefined =
        changes.length > 0 || phaseChanged
          ? {
              entityRef: c.entityRef,
              programId,
              programVersion: scorecard.programVersion,
              owner,
              at: scorecard.evaluatedAt,
              phase: scorecard.phase,
              previousPhase: previous?.scorecard.phase,
              changes,
            }
          : undefined;
      writes.push({
        record: {
          entityRef: c.entityRef,
          programId,
          kind: c.entity.kind.toLocaleLowerCase('en-US'),
          title,
          owner,
          system,
          failingSince,
          evidenceComplete: c.failures.length === 0,
          stale: false,
          checkedAt: now,
          scorecard,
        },
        history,
      });
    }
    return result;
  }

  /**
   * Writes in transactions of `WRITE_BATCH` rows, each scorecard with its
   * history row, with a turn of the event loop between them. A cancelled run
   * stops between transactions: what is stored is whole.
   */
  async write(
    writes: ScorecardWrite[],
    yielder?: EventLoopYielder,
  ): Promise<void> {
    for (let start = 0; start < writes.length; start += WRITE_BATCH) {
      await yielder?.maybeYield();
      await this.options.store.writeScorecards(
        writes.slice(start, start + WRITE_BATCH),
      );
    }
  }

  /**
   * Deletes the rows a complete walk did not meet: entities that left the
   * catalog or that their program no longer applies to.
   * @returns how many rows were deleted.
   */
  async removeUnseen(seen: Set<string>): Promise<number> {
    const gone = (await this.options.store.listScorecardKeys()).filter(
      key => !seen.has(scorecardKey(key)),
    );
    return gone.length > 0 ? this.options.store.deleteScorecards(gone) : 0;
  }
}
