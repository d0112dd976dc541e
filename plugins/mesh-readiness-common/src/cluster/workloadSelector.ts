/*
 * Which pods are an entity's, from the annotations Backstage's Kubernetes
 * plugin reads, so one set of annotations serves both plugins: the label
 * selector when the entity has one (it takes precedence, as in the
 * Kubernetes plugin), else `backstage.io/kubernetes-id` (pods labelled
 * `backstage.io/kubernetes-id=<id>`); `backstage.io/kubernetes-namespace`
 * restricts either to one namespace.
 */
import {
  labelValueProblem,
  parseLabelSelector,
  type LabelRequirement,
} from './labelSelector';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** The label `backstage.io/kubernetes-id` selects pods by. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The part of a catalog entity the join reads. */
export interface JoinableEntity {
  metadata: { annotations?: Record<string, string> };
}

/** How to find an entity's pods. */
export interface WorkloadSelector {
  requirements: LabelRequirement[];
  /** Only pods of this namespace. */
  namespace?: string;
  /** The annotation and value it came from, for reasons and findings. */
  source: string;
}

/**
 * An entity's workload selector; `not-joinable` when it has neither
 * annotation, `invalid` (with a message naming the annotation) when an
 * annotation is malformed.
 */
export type WorkloadSelectorResult =
  | { status: 'ok'; selector: WorkloadSelector }
  | { status: 'not-joinable'; reason: string }
  | { status: 'invalid'; reason: string };

export function workloadSelectorOf(
  entity: JoinableEntity,
): WorkloadSelectorResult {
  const annotations = entity.metadata.annotations ?? {};
  const selectorText = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];

  let namespaceFilter: string | undefined;
  if (namespace !== undefined) {
    const trimmed = namespace.trim();
    if (trimmed.length > 63 || !DNS_LABEL.test(trimmed)) {
      return {
        status: 'invalid',
        reason: `${KUBERNETES_NAMESPACE_ANNOTATION} "${namespace}" is not a namespace name (lower case letters, digits and '-', at most 63)`,
      };
    }
    namespaceFilter = trimmed;
  }
  const within = namespaceFilter ? ` in namespace ${namespaceFilter}` : '';

  if (selectorText !== undefined) {
    const parsed = parseLabelSelector(selectorText);
    if (!parsed.ok) {
      return {
        status: 'invalid',
        reason: `${KUBERNETES_LABEL_SELECTOR_ANNOTATION} "${selectorText}" is not a label selector: ${parsed.message}`,
      };
    }
    return {
      status: 'ok',
      selector: {
        requirements: parsed.requirements,
        namespace: namespaceFilter,
        source: `${KUBERNETES_LABEL_SELECTOR_ANNOTATION}: ${selectorText}${within}`,
      },
    };
  }
  if (id !== undefined) {
    const value = id.trim();
    const problem = value === '' ? 'it is empty' : labelValueProblem(value);
    if (problem) {
      return {
        status: 'invalid',
        reason: `${KUBERNETES_ID_ANNOTATION} "${id}" cannot be a label value: ${problem}`,
      };
    }
    return {
      status: 'ok',
      selector: {
        requirements: [
          { key: KUBERNETES_ID_LABEL, operator: 'in', values: [value] },
        ],
        namespace: namespaceFilter,
        source: `${KUBERNETES_ID_ANNOTATION}: ${value}${within}`,
      },
    };
  }
  return {
    status: 'not-joinable',
    reason: `the entity has no ${KUBERNETES_ID_ANNOTATION} or ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} annotation`,
  };
}
