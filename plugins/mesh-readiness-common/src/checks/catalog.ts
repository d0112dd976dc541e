import { EVERY_DATA_PLANE } from '../dataplane';
import type { CheckAnalyzer } from './types';
import type { Finding } from '../types';
import { defineAnalyzer } from './support/defineAnalyzer';
import {
  objectFinding,
  outcomeFrom,
  outcomeOf,
  plainFinding,
} from './support/findings';

export const MANIFESTS_ANNOTATION = 'mesh-readiness.io/manifests';
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * cat.owner: the entity has an owner that resolves to a Group. The caller
 * resolves the owner in the catalog (`facts.catalog.ownerIsGroup`); without
 * that fact the reference itself is read: `group:` refs and bare names
 * (which Backstage resolves with the default kind Group) count as groups.
 */
export const catalogOwner = defineAnalyzer({
  id: 'cat.owner',
  title: 'Entity is owned by a Group',
  evidence: ['catalog'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ entity, facts }) {
    const owner = entity.spec?.owner;
    const remediation = 'set `spec.owner` to the owning Group';
    if (typeof owner !== 'string' || owner.trim() === '') {
      return outcomeOf('fail', 'no owner', [
        plainFinding('fail', 'the entity has no `spec.owner`', { remediation }),
      ]);
    }
    const resolved = facts.catalog?.ownerIsGroup;
    const kind = owner.includes(':')
      ? owner.split(':')[0].toLowerCase()
      : 'group';
    const isGroup = resolved ?? kind === 'group';
    const how =
      resolved === undefined
        ? 'judged from the reference'
        : 'resolved in the catalog';
    const finding: Finding = isGroup
      ? plainFinding('pass', `owner ${owner} is a Group (${how})`)
      : plainFinding(
          'fail',
          resolved === false
            ? `owner ${owner} does not resolve to a Group in the catalog`
            : `owner ${owner} is a ${kind}, not a Group`,
          { remediation },
        );
    return outcomeFrom([finding], {
      pass: `owned by ${owner}`,
      fail: () => `owner ${owner} is not a Group`,
    });
  },
});

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

/**
 * cat.manifests: the entity says where its manifests are, and they could be
 * read: at least one Kubernetes object and no parse problems.
 */
export const catalogManifests = defineAnalyzer({
  id: 'cat.manifests',
  title: 'Manifests are declared and readable',
  evidence: ['catalog', 'manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ entity, manifests }) {
    const location = entity.metadata.annotations?.[MANIFESTS_ANNOTATION];
    if (!location) {
      return outcomeOf('fail', 'manifests not declared', [
        plainFinding(
          'fail',
          `the annotation ${MANIFESTS_ANNOTATION} is not set`,
          {
            remediation: `add ${MANIFESTS_ANNOTATION} with the path or URL of the manifests`,
          },
        ),
      ]);
    }
    const findings: Finding[] = manifests.problems.map(problem =>
      plainFinding('fail', problem.message, {
        file: problem.file,
        line: problem.line,
        remediation: 'fix the manifest so that it parses',
      }),
    );
    if (manifests.objects.length === 0 && findings.length === 0) {
      findings.push(
        plainFinding('fail', `no Kubernetes objects found at ${location}`, {
          remediation: `point ${MANIFESTS_ANNOTATION} at the manifest files`,
        }),
      );
    }
    if (manifests.objects.length > 0) {
      const files = new Set(manifests.objects.map(o => o.file)).size;
      findings.push(
        plainFinding(
          'pass',
          `${manifests.objects.length} objects read from ${files} file${
            files === 1 ? '' : 's'
          }`,
        ),
      );
    }
    return outcomeFrom(findings, {
      pass: `${manifests.objects.length} objects read from ${location}`,
      fail: n =>
        manifests.objects.length === 0 && manifests.problems.length === 0
          ? `no objects at ${location}`
          : `${n} manifest problem${n === 1 ? '' : 's'}`,
    });
  },
});

export const catalogAnalyzers: CheckAnalyzer[] = [
  catalogOwner,
  catalogKubernetesLink,
  catalogManifests,
];
