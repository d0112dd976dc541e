/** Check `cat.manifests`: "Manifests are declared and readable". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { MANIFESTS_ANNOTATION } from '../../manifests/manifestsAnnotation';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { outcomeFrom, outcomeOf, plainFinding } from '../support/findings';

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
