/*
 * Which workloads of the traffic metrics are an entity's. The metrics name
 * a destination by its workload (Deployment, StatefulSet, ...) and
 * namespace, so:
 *
 * - where the cluster evidence found the entity's workloads (its pods'
 *   owners, through `backstage.io/kubernetes-id` or the label selector),
 *   those are exact, cluster by cluster;
 * - otherwise the entity's annotations name them: the value of
 *   `backstage.io/kubernetes-id`, or the values the label selector requires
 *   of `app`, `app.kubernetes.io/name` or `service.istio.io/canonical-name`
 *   (the labels Istio derives a workload's canonical service from), which by
 *   convention are the workload's name; `backstage.io/kubernetes-namespace`
 *   restricts them to one namespace.
 */
import {
  KUBERNETES_ID_LABEL,
  workloadSelectorOf,
  type JoinableEntity,
} from '../cluster/workloadSelector';

/** Labels whose required value names the workload by convention. */
export const WORKLOAD_NAME_LABELS: readonly string[] = [
  KUBERNETES_ID_LABEL,
  'app',
  'app.kubernetes.io/name',
  'service.istio.io/canonical-name',
];

/** A workload as the cluster evidence names it. */
export interface KnownWorkload {
  cluster?: string;
  namespace: string;
  name: string;
}

/** How to recognise the entity's rows in the metrics. */
export interface EntityWorkloads {
  /** Exact workloads (cluster evidence), or names (annotations). */
  exact?: KnownWorkload[];
  names?: string[];
  namespace?: string;
  /** Where they came from, for reasons. */
  source: string;
}

export type EntityWorkloadsResult =
  | { status: 'ok'; workloads: EntityWorkloads }
  | { status: 'not-joinable'; reason: string }
  | { status: 'invalid'; reason: string };

/** The entity's workloads: from the cluster evidence when it has some. */
export function entityWorkloadsOf(
  entity: JoinableEntity,
  known: ReadonlyArray<KnownWorkload> | undefined,
): EntityWorkloadsResult {
  if (known && known.length > 0) {
    return {
      status: 'ok',
      workloads: {
        exact: known.map(w => ({
          ...(w.cluster ? { cluster: w.cluster } : {}),
          namespace: w.namespace,
          name: w.name,
        })),
        source: 'the workloads the cluster evidence found',
      },
    };
  }
  const selected = workloadSelectorOf(entity);
  if (selected.status !== 'ok') return selected;
  const { selector } = selected;
  const names = new Set<string>();
  for (const requirement of selector.requirements) {
    if (
      requirement.operator === 'in' &&
      requirement.values.length === 1 &&
      WORKLOAD_NAME_LABELS.includes(requirement.key)
    ) {
      names.add(requirement.values[0]);
    }
  }
  if (names.size === 0) {
    return {
      status: 'not-joinable',
      reason: `${
        selector.source
      } names no workload the traffic metrics can match (they name workloads, not labels; require one of ${WORKLOAD_NAME_LABELS.join(
        ', ',
      )}, or connect cluster evidence)`,
    };
  }
  return {
    status: 'ok',
    workloads: {
      names: [...names].sort(),
      ...(selector.namespace ? { namespace: selector.namespace } : {}),
      source: selector.source,
    },
  };
}
