/** Check `cat.k8s-link`: "Entity links to its Kubernetes workloads". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  objectFinding,
  outcomeFrom,
  outcomeOf,
  plainFinding,
} from '../support/findings';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

export const KUBERNETES_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * cat.k8s-link: the entity names its workloads the way Backstage's
 * Kubernetes plugin finds them. When manifests are at hand, their
 * workloads' labels are compared with the id as extra information.
 */
export const catalogKubernetesLink = defineAnalyzer({
  id: 'cat.k8s-link',
  title: 'Entity links to its Kubernetes workloads',
  evidence: ['catalog'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['backstage kubernetes plugin'],
  analyze({ entity, manifests }) {
    const annotations = entity.metadata.annotations ?? {};
    const id = annotations[KUBERNETES_ID_ANNOTATION];
    const selector = annotations[KUBERNETES_SELECTOR_ANNOTATION];
    if (!id && !selector) {
      return outcomeOf('fail', 'no link to Kubernetes workloads', [
        plainFinding(
          'fail',
          `neither ${KUBERNETES_ID_ANNOTATION} nor ${KUBERNETES_SELECTOR_ANNOTATION} is set`,
          {
            remediation: `add the annotation ${KUBERNETES_ID_ANNOTATION}: ${entity.metadata.name}`,
          },
        ),
      ]);
    }
    const findings: Finding[] = [
      plainFinding(
        'pass',
        id
          ? `${KUBERNETES_ID_ANNOTATION}: ${id}`
          : `${KUBERNETES_SELECTOR_ANNOTATION}: ${selector}`,
      ),
    ];
    if (id && manifests) {
      for (const workload of manifests.workloads()) {
        if (workload.object.labels[KUBERNETES_ID_ANNOTATION] !== id) {
          findings.push(
            objectFinding(
              workload.object,
              'info',
              `${workload.object.kind} ${workload.object.name} lacks the label ${KUBERNETES_ID_ANNOTATION}=${id}, so the Kubernetes plugin will not show it`,
              { field: ['metadata', 'labels'] },
            ),
          );
        }
      }
    }
    return outcomeFrom(findings, {
      pass: id ? `kubernetes-id ${id}` : `label selector ${selector}`,
    });
  },
});
