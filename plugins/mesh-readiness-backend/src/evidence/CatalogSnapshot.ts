import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Store } from '../database/Store';

/**
 * Facts that need other entities than the one evaluated: which refs are
 * Groups, the group tree, and the current phase of every scored entity. Read
 * in bulk (one catalog stream, one query) and kept for `ttlMs`, so that an
 * evaluation run does not query per entity.
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
    }
    const phases = new Map<string, string>();
    for (const row of await this.store.listAllScorecards({})) {
      phases.set(row.entityRef, row.phase);
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
