import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Store } from '../database/Store';

/** Scorecard phases read per statement when the snapshot reloads. */
const PHASE_PAGE = 1000;

/**
 * Facts that need other entities than the one evaluated: which refs are
 * Groups, the group tree, and the current phase of every scored entity. Read
 * in bulk (one catalog stream, paged queries) and kept for `ttlMs`, so
 * that an evaluation run does not query per entity.
 *
 * A reload reads in pages and gives the event loop a turn after each one:
 * reading every phase in one statement (synchronous on SQLite) and
 * rebuilding the maps in one go held the loop for up to a second at 10,000
 * entities. Readers keep the previous maps until the new ones are complete.
 */
export class CatalogSnapshot {
  private loadedAt = 0;
  private loading?: Promise<void>;
  private groups = new Map<string, Entity>();
  private phases = new Map<string, string>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly store: Store,
    private readonly ttlMs = 60_000,
  ) {}

  /** Forces the next access to re-read. */
  invalidate() {
    this.loadedAt = 0;
  }

  private async ensureFresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.ttlMs) {
      return;
    }
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = undefined;
      });
    }
    await this.loading;
  }

  private async load(): Promise<void> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const groups = new Map<string, Entity>();
    for await (const page of this.catalog.streamEntities(
      {
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'metadata.annotations',
          'spec.parent',
          'spec.children',
          'relations',
        ],
      },
      { credentials },
    )) {
      for (const group of page) {
        groups.set(stringifyEntityRef(group), group);
      }
      await nextMacrotask();
    }
    const phases = new Map<string, string>();
    let after: { entityRef: string; programId: string } | undefined;
    for (;;) {
      const rows = await this.store.listScorecardPhases({
        after,
        limit: PHASE_PAGE,
      });
      for (const row of rows) {
        phases.set(row.entityRef, row.phase);
      }
      if (rows.length < PHASE_PAGE) break;
      after = rows[rows.length - 1];
      await nextMacrotask();
    }
    this.groups = groups;
    this.phases = phases;
    this.loadedAt = Date.now();
  }

  async isGroup(ref: string): Promise<boolean> {
    await this.ensureFresh();
    return this.groups.has(ref);
  }

  async phaseOf(ref: string): Promise<string | undefined> {
    await this.ensureFresh();
    return this.phases.get(ref);
  }

  async allGroups(): Promise<Map<string, Entity>> {
    await this.ensureFresh();
    return this.groups;
  }
}
