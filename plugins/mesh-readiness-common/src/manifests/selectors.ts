/**
 * Kubernetes label selectors: the equality form (`spec.selector` of a
 * Service, Istio `matchLabels`, Sidecar `workloadSelector.labels`) and the
 * set-based form (`matchLabels` + `matchExpressions`).
 */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Every `key: value` of the selector is a label of the pod. */
export function matchesEqualitySelector(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  for (const key of Object.keys(selector)) {
    if (labels[key] !== String(selector[key])) return false;
  }
  return true;
}

/** Set-based selector as Deployments and Linkerd Servers use it. */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  if (
    selector.matchLabels &&
    !matchesEqualitySelector(selector.matchLabels, labels)
  ) {
    return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const values = (requirement.values ?? []).map(String);
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(labels[requirement.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[requirement.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An unknown operator selects nothing, as the API server would
        // reject the object.
        return false;
    }
  }
  return true;
}
