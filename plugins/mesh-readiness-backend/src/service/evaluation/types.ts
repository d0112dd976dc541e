import type { Entity } from '@backstage/catalog-model';
import type {
  EntityFacts,
  Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/** An entity of the catalog and the program it is evaluated against. */
export interface Candidate {
  entity: Entity;
  entityRef: string;
  program: Program;
}

/** A candidate with the facts its providers answered. */
export interface Collected extends Candidate {
  facts: EntityFacts;
  factsHash: string;
  /** `source: reason` of every provider that failed; empty when complete. */
  failures: string[];
}

/** Key of a scorecard row: one per entity and program. */
export function scorecardKey(row: {
  entityRef: string;
  programId: string;
}): string {
  return `${row.entityRef}\u0000${row.programId}`;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    },
  );
  await Promise.all(workers);
  return results;
}
