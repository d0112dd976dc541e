/** Check `mesh.dr.valid`: "DestinationRules resolve and select pods". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestObject, ManifestSet } from '../../manifests';
import {
  isPlainObject,
  ISTIO_NETWORKING_GROUP,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { fqdn, hostNamesService, resolveHost } from '../../istio/serviceHosts';
import {
  hostsMatch,
  isMeshWideHost,
  namespaceOfWideHost,
} from '../../istio/hosts';
import { istioFinding, istioMessages } from '../../istio/messageFindings';

function destinationRules(manifests: ManifestSet): ManifestObject[] {
  return manifests.ofKind('DestinationRule', ISTIO_NETWORKING_GROUP);
}

/**
 * The subsets of a DestinationRule for a ServiceEntry host that select
 * some of the entry's inline `endpoints` by their labels. Istio applies
 * subsets to those endpoints, but its analyzer (IST0173) only looks at
 * pods, so these subsets are not failures.
 */
function subsetsSelectingEntryEndpoints(
  manifests: ManifestSet,
  rule: ManifestObject,
): Set<number> {
  const selected = new Set<number>();
  const target = resolveHost(
    manifests,
    rule,
    String(rule.body.spec?.host ?? ''),
  );
  if (!target || target.resource.kind !== 'ServiceEntry') return selected;
  const endpoints = Array.isArray(target.resource.body.spec?.endpoints)
    ? target.resource.body.spec.endpoints
    : [];
  const subsets = Array.isArray(rule.body.spec?.subsets)
    ? rule.body.spec.subsets
    : [];
  subsets.forEach((subset: unknown, index: number) => {
    if (!isPlainObject(subset)) return;
    const labels = stringMap(subset.labels);
    if (
      endpoints.some(
        (endpoint: unknown) =>
          isPlainObject(endpoint) &&
          matchesEqualitySelector(labels, stringMap(endpoint.labels)),
      )
    ) {
      selected.add(index);
    }
  });
  return selected;
}

/** Is the rule's host a wildcard that covers a Service of the manifests? */
function wildcardCoversServices(
  manifests: ManifestSet,
  rule: ManifestObject,
): boolean {
  const host = rule.body.spec?.host;
  return (
    typeof host === 'string' &&
    host.startsWith('*') &&
    manifests
      .ofKind('Service', '')
      .some(service => hostNamesService(manifests, rule, host, service))
  );
}

/** Subset names of a rule, or `undefined` when it has none (it covers every subset). */
function subsetNames(rule: ManifestObject): string[] | undefined {
  const subsets = Array.isArray(rule.body.spec?.subsets)
    ? rule.body.spec.subsets
    : [];
  return subsets.length === 0
    ? undefined
    : subsets.map((s: any) => String(s?.name ?? ''));
}

/**
 * Rules that set mTLS for a whole namespace or the mesh (`*.local`,
 * `*.<ns>.svc.cluster.local` with ISTIO_MUTUAL) are meant to coexist with
 * specific rules; the mesh console leaves them out of KIA0201, so do we.
 */
function isWideMutualRule(rule: ManifestObject): boolean {
  if (rule.body.spec?.trafficPolicy?.tls?.mode !== 'ISTIO_MUTUAL') return false;
  const host = fqdn(rule.namespace, String(rule.body.spec?.host ?? ''));
  return isMeshWideHost(host) || namespaceOfWideHost(host) === rule.namespace;
}

/**
 * mesh.dr.valid: each DestinationRule's host resolves (IST0174, KIA0202),
 * its subsets select pods (IST0173, KIA0203) — or inline endpoints of the
 * host's ServiceEntry — subset names are unique within a rule, and no two
 * rules claim the same host and subset (KIA0201; hosts overlap when
 * wildcards match). With manifests only, subsets are matched against the
 * pod templates of the workloads, and findings say so; a host outside the
 * manifests is a warning (it may live elsewhere).
 */
export const destinationRuleValid = defineAnalyzer({
  id: 'mesh.dr.valid',
  title: 'DestinationRules resolve and select pods',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0173', 'IST0174', 'KIA0201', 'KIA0202', 'KIA0203'],
  analyze({ manifests }) {
    const rules = destinationRules(manifests);
    if (rules.length === 0)
      return notApplicable('no DestinationRules in the manifests');
    const findings: Finding[] = [];
    // Hosts (IST0174) and subsets (IST0173) through Istio's own analyzer;
    // the manifests hold workloads, not pods, so subsets are matched
    // against pod templates.
    const messages = istioMessages(manifests, [
      'destinationrule.PodNotSelectedAnalyzer',
    ]);
    for (const rule of rules) {
      const byEndpoints = subsetsSelectingEntryEndpoints(manifests, rule);
      const endpointLines = new Set(
        [...byEndpoints].map(i => rule.lineOf(['spec', 'subsets', i])),
      );
      // Istio's analyzer resolves hosts exactly; a wildcard host
      // (`*.local`, `*.shop.svc.cluster.local`) that covers Services of the
      // manifests applies to them and is not unknown.
      const coversServices = wildcardCoversServices(manifests, rule);
      const gaps: Finding[] = messages
        .filter(m => m.resource === rule)
        .filter(m => !(m.code === 'IST0173' && endpointLines.has(m.line)))
        .filter(m => !(m.code === 'IST0174' && coversServices))
        .map(m => {
          const finding = istioFinding(
            m,
            m.code === 'IST0174' ? 'warn' : 'fail',
            m.code === 'IST0174'
              ? 'fix the host, or add the ServiceEntry for an external host'
              : 'make the subset labels match the pod template labels (e.g. version)',
          );
          finding.message =
            m.code === 'IST0174'
              ? `${m.message} (judged on the Services and ServiceEntries in the manifests)`
              : `${m.message} (judged on the pod templates of the workloads in the manifests)`;
          return finding;
        });
      const spec = rule.body.spec ?? {};
      const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
      const seen = new Set<string>();
      subsets.forEach((subset: unknown, index: number) => {
        if (!isPlainObject(subset)) return;
        const name = String(subset.name ?? '');
        if (seen.has(name)) {
          // No upstream code: KIA0203 means "subset labels match no host".
          gaps.push(
            objectFinding(
              rule,
              'fail',
              `DestinationRule ${rule.name}: subset "${name}" is defined twice`,
              {
                field: ['spec', 'subsets', index, 'name'],
                remediation: 'give each subset a unique name',
              },
            ),
          );
        }
        seen.add(name);
      });
      findings.push(...gaps);
      if (gaps.length === 0) {
        findings.push(
          objectFinding(
            rule,
            'pass',
            `DestinationRule ${rule.name}: host and subsets resolve${
              byEndpoints.size > 0
                ? ' (subsets select ServiceEntry endpoints by their labels)'
                : ''
            }`,
          ),
        );
      }
    }
    // Two rules for overlapping hosts that share a subset, or of which
    // one has no subsets (it covers them all), collide (KIA0201).
    const candidates = rules.filter(
      rule =>
        !isPlainObject(rule.body.spec?.workloadSelector) &&
        typeof rule.body.spec?.host === 'string' &&
        !isWideMutualRule(rule),
    );
    candidates.forEach((rule, i) => {
      const host = fqdn(rule.namespace, rule.body.spec.host);
      const names = subsetNames(rule);
      const earlier = candidates.slice(0, i).find(other => {
        if (!hostsMatch(fqdn(other.namespace, other.body.spec.host), host))
          return false;
        const otherNames = subsetNames(other);
        return !names || !otherNames || names.some(n => otherNames.includes(n));
      });
      if (!earlier) return;
      findings.push(
        objectFinding(
          rule,
          'fail',
          `DestinationRule ${rule.name} applies to ${host} like ${earlier.name} (same host and subsets); Istio uses only one of them`,
          {
            field: ['spec', 'host'],
            code: 'KIA0201',
            remediation: 'merge the DestinationRules for one host',
          },
        ),
      );
    });
    return outcomeFrom(findings, {
      pass: `${count(rules.length, 'DestinationRule')} valid`,
      fail: n => `${count(n, 'DestinationRule problem')}`,
      warn: n => `${count(n, 'host')} outside the manifests`,
    });
  },
});
