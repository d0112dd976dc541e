/**
 * Judging Service by Service, the way `judgeWorkloads` judges workloads
 * (k8s.svc.protocol, k8s.svc.target, k8s.svc.headless).
 */
import type { ManifestObject, ManifestSet } from '../../manifests';
import type { Finding } from '../../types';
import type { AnalyzerOutcome } from '../types';
import { notApplicable, objectFinding, outcomeFrom } from '../support/findings';

/** One pass finding per Service, for Services without gaps. */
export function judgeServices(
  manifests: ManifestSet,
  gapsOf: (service: ManifestObject) => Finding[],
  passMessage: (service: ManifestObject) => string,
  wording: {
    fail?: (n: number) => string;
    warn?: (n: number) => string;
    pass: (n: number) => string;
  },
  applies: (service: ManifestObject) => boolean = () => true,
): AnalyzerOutcome {
  const services = manifests.ofKind('Service', '').filter(applies);
  if (services.length === 0)
    return notApplicable('no Services in the manifests');
  const findings: Finding[] = [];
  for (const service of services) {
    const gaps = gapsOf(service);
    findings.push(...gaps);
    if (!gaps.some(f => f.level === 'fail' || f.level === 'warn')) {
      findings.push(objectFinding(service, 'pass', passMessage(service)));
    }
  }
  return outcomeFrom(findings, {
    ...wording,
    pass: wording.pass(services.length),
  });
}
