/** Check `mesh.egress`: "Egress scoped by Sidecars and ServiceEntries". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import {
  isPlainObject,
  ISTIO_NETWORKING_GROUP,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../../istio/messageFindings';
import { workloadName } from '../support/workloadChecks';

/**
 * mesh.egress: Sidecars scope egress — each workload is covered by a
 * Sidecar whose egress hosts are narrower than `*\/*`, selectors are
 * distinct (IST0101, IST0110, IST0111) — and external dependencies are
 * well-formed ServiceEntries (IST0134, IST0177), judged by Istio's own
 * analyzers.
 */
export const meshEgress = defineAnalyzer({
  id: 'mesh.egress',
  title: 'Egress scoped by Sidecars and ServiceEntries',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: SIDECAR_DATA_PLANES,
  // The mesh console's Sidecar validations (KIA1004 egress host not in
  // the registry, KIA1006 selector on the root default, KIA1007 ambiguous
  // outbound mode) are not implemented, so not claimed.
  upstream: ['IST0110', 'IST0111', 'IST0134', 'IST0177'],
  analyze({ manifests }) {
    const workloads = manifests.workloads();
    if (workloads.length === 0)
      return notApplicable('no workloads in the manifests');
    const messages = istioMessages(asOnboarded(manifests), [
      'sidecar.SelectorAnalyzer',
      'serviceentry.ProtocolAddressesAnalyzer',
      'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
    ]);
    // A Sidecar that only configures ambient workloads (IST0167) has no
    // effect: it is reported, and never counted as scoping egress.
    const ineffective = new Set(
      messages.filter(m => m.code === 'IST0167').map(m => m.resource),
    );
    const findings = messages.map(m =>
      m.code === 'IST0167'
        ? istioFinding(
            m,
            'warn',
            'remove the Sidecar; in ambient, egress is controlled with a waypoint and AuthorizationPolicies',
          )
        : istioFinding(
            m,
            'fail',
            'fix the Sidecar selectors or the ServiceEntry',
          ),
    );
    const sidecars = manifests
      .ofKind('Sidecar', ISTIO_NETWORKING_GROUP)
      .filter(sidecar => !ineffective.has(sidecar));
    for (const workload of workloads) {
      const covering = sidecars.filter(sidecar => {
        if (sidecar.namespace !== workload.object.namespace) return false;
        const labels = sidecar.body.spec?.workloadSelector?.labels;
        return (
          !isPlainObject(labels) ||
          matchesEqualitySelector(stringMap(labels), workload.podLabels)
        );
      });
      // A selecting Sidecar wins over the namespace default.
      const sidecar =
        covering.find(s =>
          isPlainObject(s.body.spec?.workloadSelector?.labels),
        ) ?? covering[0];
      if (!sidecar) {
        findings.push(
          objectFinding(
            workload.object,
            'fail',
            `no Sidecar scopes the egress of ${workloadName(
              workload,
            )}: its proxies receive configuration for every service in the mesh`,
            {
              remediation:
                'add a Sidecar with egress hosts for the namespace (egress template)',
            },
          ),
        );
        continue;
      }
      const egress = Array.isArray(sidecar.body.spec?.egress)
        ? sidecar.body.spec.egress
        : [];
      const hosts: string[] = egress.flatMap((e: any) =>
        Array.isArray(e?.hosts) ? e.hosts : [],
      );
      const open =
        hosts.length === 0 || hosts.some(h => h === '*/*' || h === '*');
      findings.push(
        open
          ? objectFinding(
              sidecar,
              'fail',
              `Sidecar ${sidecar.name} covers ${workloadName(
                workload,
              )} but its egress allows every host`,
              {
                field: ['spec', 'egress'],
                remediation:
                  'list the namespaces / hosts the workload calls, e.g. ./* and istio-system/*',
              },
            )
          : objectFinding(
              sidecar,
              'pass',
              `Sidecar ${sidecar.name} scopes the egress of ${workloadName(
                workload,
              )} to ${hosts.join(', ')}`,
              {
                field: ['spec', 'egress'],
              },
            ),
      );
    }
    return outcomeFrom(findings, {
      pass: `egress scoped for ${count(workloads.length, 'workload')}`,
      fail: n => `${count(n, 'egress problem')}`,
    });
  },
});
