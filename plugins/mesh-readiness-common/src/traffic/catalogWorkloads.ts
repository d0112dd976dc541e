/*
 * The reverse of the join: which catalog entity runs a workload that the
 * metrics name as a caller. Built once per run from the catalog, by the
 * same rule that finds an entity's own workloads (`entityWorkloadsOf`), so
 * a caller resolves to the entity whose traffic it would be counted in.
 */
import type { JoinableEntity } from '../cluster/workloadSelector';
import { entityWorkloadsOf } from './entityWorkloads';

interface Candidate {
  entityRef: string;
  namespace?: string;
}

export interface CatalogWorkloadIndex {
  /**
   * The entity running `workload` in `namespace`: the one entity that
   * claims it in that namespace, else the one that claims the name in any
   * namespace; undefined when none or several do.
   */
  resolve(workload: string, namespace: string | undefined): string | undefined;
  /** Entities indexed. */
  readonly size: number;
}

export function catalogWorkloadIndex(
  entities: Iterable<{ entityRef: string; entity: JoinableEntity }>,
): CatalogWorkloadIndex {
  const byName = new Map<string, Candidate[]>();
  let size = 0;
  for (const { entityRef, entity } of entities) {
    const joined = entityWorkloadsOf(entity, undefined);
    if (joined.status !== 'ok') continue;
    size += 1;
    for (const name of joined.workloads.names ?? []) {
      const list = byName.get(name) ?? [];
      list.push({
        entityRef,
        ...(joined.workloads.namespace !== undefined
          ? { namespace: joined.workloads.namespace }
          : {}),
      });
      byName.set(name, list);
    }
  }
  const only = (candidates: Candidate[]) => {
    const refs = new Set(candidates.map(c => c.entityRef));
    return refs.size === 1 ? candidates[0].entityRef : undefined;
  };
  return {
    size,
    resolve(workload, namespace) {
      const candidates = byName.get(workload);
      if (!candidates) return undefined;
      const pinned = candidates.filter(
        c => namespace !== undefined && c.namespace === namespace,
      );
      if (pinned.length > 0) return only(pinned);
      return only(candidates.filter(c => c.namespace === undefined));
    },
  };
}
