import type { AuthService } from '@backstage/backend-plugin-api';
import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ProgramRegistry } from '../../programs/ProgramRegistry';
import type { EventLoopYielder } from '../EventLoopYielder';
import { evaluationOrder, type EvaluationOrder } from './evaluationOrder';
import { scorecardKey, type Candidate } from './types';

/** The fields the run's order needs: the entity's ref and its relations. */
const ORDER_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'relations',
];

/** One batch of a walk: the entities to evaluate together. */
export interface WalkBatch {
  candidates: Candidate[];
  /** Entities of the batch that no program in force applies to. */
  skipped: number;
}

/**
 * Reads the catalog for a scheduled run, in two paged reads: first every
 * entity's ref and relations (only those fields), to put callers before the
 * services they call (`evaluationOrder`); then the entities themselves, by
 * ref, one batch of at most `pageSize` at a time in that order. Only the
 * kinds some program applies to are read.
 */
export class CatalogWalk {
  /** Keys (`scorecardKey`) of the scorecards the walk met. */
  readonly seen = new Set<string>();

  private constructor(
    private readonly options: {
      catalog: CatalogService;
      programs: ProgramRegistry;
      pageSize: number;
      credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>;
    },
    /** The run's order. */
    readonly order: EvaluationOrder,
    /** Entities of the programs' kinds in the catalog. */
    readonly entityCount: number,
  ) {}

  /** How many batches `batches()` yields. */
  get batchCount(): number {
    return this.order.levels.reduce(
      (sum, level) => sum + Math.ceil(level.length / this.options.pageSize),
      0,
    );
  }

  /** Reads the relation graph and orders the run. */
  static async start(
    options: {
      catalog: CatalogService;
      auth: AuthService;
      programs: ProgramRegistry;
      pageSize: number;
    },
    yielder?: EventLoopYielder,
  ): Promise<CatalogWalk> {
    const credentials = await options.auth.getOwnServiceCredentials();
    const filter = catalogFilter(options.programs);
    const callersOf = new Map<string, Set<string>>();
    const callersEntry = (ref: string) => {
      let callers = callersOf.get(ref);
      if (!callers) {
        callers = new Set();
        callersOf.set(ref, callers);
      }
      return callers;
    };
    const members = new Set<string>();
    for await (const page of options.catalog.streamEntities(
      {
        ...(filter ? { filter } : {}),
        fields: ORDER_FIELDS,
        pageSize: options.pageSize,
      },
      { credentials },
    )) {
      await yielder?.maybeYield();
      for (const entity of page) {
        const ref = stringifyEntityRef(entity);
        members.add(ref);
        const callers = callersEntry(ref);
        for (const relation of entity.relations ?? []) {
          if (relation.type === RELATION_DEPENDENCY_OF) {
            callers.add(relation.targetRef);
          } else if (relation.type === RELATION_DEPENDS_ON) {
            callersEntry(relation.targetRef).add(ref);
          }
        }
      }
    }
    // Targets of dependsOn outside the programs' kinds are not in the run.
    for (const ref of callersOf.keys()) {
      if (!members.has(ref)) callersOf.delete(ref);
    }
    return new CatalogWalk(
      { ...options, credentials },
      evaluationOrder(callersOf),
      members.size,
    );
  }

  /**
   * The entities in the run's order, in batches that never hold an entity
   * together with one of its callers. An entity that left the catalog since
   * the first read is passed over.
   */
  async *batches(yielder?: EventLoopYielder): AsyncGenerator<WalkBatch> {
    const { catalog, programs, pageSize, credentials } = this.options;
    for (const level of this.order.levels) {
      for (let start = 0; start < level.length; start += pageSize) {
        await yielder?.maybeYield();
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: level.slice(start, start + pageSize) },
          { credentials },
        );
        const batch: WalkBatch = { candidates: [], skipped: 0 };
        for (const entity of items) {
          if (!entity) continue;
          const program = programs.selectProgram(entity);
          if (!program) {
            batch.skipped += 1;
            continue;
          }
          const entityRef = stringifyEntityRef(entity);
          this.seen.add(
            scorecardKey({ entityRef, programId: program.metadata.name }),
          );
          batch.candidates.push({ entity, entityRef, program });
        }
        yield batch;
      }
    }
  }
}

/** Kinds to read from the catalog: the union of the programs' kinds. */
function catalogFilter(
  programs: ProgramRegistry,
): { kind: string[] } | undefined {
  const kinds = new Set<string>();
  for (const program of programs.programs()) {
    if (program.spec.appliesTo.kinds.length === 0) return undefined;
    program.spec.appliesTo.kinds.forEach(k => kinds.add(k));
  }
  return { kind: [...kinds] };
}
