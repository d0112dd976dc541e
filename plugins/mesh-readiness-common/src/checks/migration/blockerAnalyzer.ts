/**
 * The shape of every ambient migration check (`migrate.*`): the objects
 * that block the move to ambient, one failing finding each.
 */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestObject, ManifestSet } from '../../manifests';
import type { CheckAnalyzer } from '../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';

/** One migration blocker rule: the objects that block, and the finding for each. */
export function blockerAnalyzer(options: {
  id: string;
  title: string;
  upstream: string[];
  blockers: (manifests: ManifestSet) => Array<{
    object: ManifestObject;
    message: string;
    field?: Array<string | number>;
  }>;
  remediation: string;
  passSummary: string;
  failNoun: string;
}): CheckAnalyzer {
  return defineAnalyzer({
    id: options.id,
    title: options.title,
    evidence: ['manifests'],
    mesh: ['istio'],
    dataPlanes: EVERY_DATA_PLANE,
    upstream: options.upstream,
    analyze({ manifests }) {
      if (manifests.workloads().length === 0)
        return notApplicable('no workloads in the manifests');
      const findings = options.blockers(manifests).map(blocker =>
        objectFinding(blocker.object, 'fail', blocker.message, {
          field: blocker.field,
          remediation: options.remediation,
        }),
      );
      return outcomeFrom(findings, {
        pass: options.passSummary,
        fail: n => count(n, options.failNoun),
      });
    },
  });
}
