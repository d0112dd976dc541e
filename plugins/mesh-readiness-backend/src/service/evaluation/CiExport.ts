import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  buildCiFactsExport,
  programAppliesTo,
  type CiFactsExport,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Store } from '../../database/Store';
import type { ProgramRegistry } from '../../programs/ProgramRegistry';
import type { FactsCollector } from './FactsCollector';

/** The CI facts export of an entity, or why there is none. */
export type CiExportResult =
  | undefined
  | { entity: Entity; program?: undefined }
  | { entity: Entity; program: Program; ciFacts: CiFactsExport };

/**
 * What a CI pipeline needs, beyond the repository, to evaluate an entity as
 * this backend does (`mesh-readiness check --ci-facts`): the attestations
 * and waivers in force now and the catalog facts, built by common's
 * `buildCiFactsExport`, the rule the CLI reads back.
 */
export class CiExport {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      programs: ProgramRegistry;
      store: Store;
      facts: FactsCollector;
      clock: () => Date;
    },
  ) {}

  /**
   * @returns undefined when the entity is unknown; `program` undefined when
   * no program in force applies to it (or the requested one does not).
   */
  async export(
    entityRef: string,
    requested?: Program,
  ): Promise<CiExportResult> {
    const { catalog, auth, programs, store, facts, clock } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      return undefined;
    }
    const program = requested ?? programs.selectProgram(entity);
    if (!program || !programAppliesTo(program, entity)) {
      return { entity };
    }
    const ref = stringifyEntityRef(entity);
    const programId = program.metadata.name;
    const [attestations, waivers, catalogFacts] = await Promise.all([
      store.listAttestations({ entityRef: ref, programId }),
      store.listWaivers({ entityRef: ref, programId, states: ['approved'] }),
      facts.collectCatalogFacts(entity, program),
    ]);
    return {
      entity,
      program,
      ciFacts: buildCiFactsExport({
        entityRef: ref,
        programId,
        exportedAt: clock().toISOString(),
        attestations,
        waivers,
        catalog: catalogFacts,
      }),
    };
  }
}
