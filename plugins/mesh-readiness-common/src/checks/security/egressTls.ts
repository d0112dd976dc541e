/** Check `sec.egress.tls`: "TLS origination verifies the server certificate". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestObject } from '../../manifests';
import { ISTIO_NETWORKING_GROUP } from '../../manifests';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { istioFinding, istioMessages } from '../../istio/messageFindings';

function originatesTls(rule: ManifestObject): boolean {
  const policy = rule.body.spec?.trafficPolicy ?? {};
  const modes = [
    policy.tls?.mode,
    ...(Array.isArray(policy.portLevelSettings)
      ? policy.portLevelSettings.map((s: any) => s?.tls?.mode)
      : []),
  ];
  return modes.some(m => m === 'SIMPLE' || m === 'MUTUAL');
}

/** sec.egress.tls: TLS-originating DestinationRules verify the server (IST0128, IST0129). */
export const egressTls = defineAnalyzer({
  id: 'sec.egress.tls',
  title: 'TLS origination verifies the server certificate',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0128', 'IST0129'],
  analyze({ manifests }) {
    const rules = manifests
      .ofKind('DestinationRule', ISTIO_NETWORKING_GROUP)
      .filter(originatesTls);
    if (rules.length === 0)
      return notApplicable('no DestinationRule originates TLS');
    const messages = istioMessages(manifests, [
      'destinationrule.CaCertificateAnalyzer',
    ]);
    const findings = messages.map(m =>
      istioFinding(
        m,
        'fail',
        'set caCertificates (or SNI-verified credentialName on gateways)',
      ),
    );
    for (const rule of rules) {
      if (!messages.some(m => m.resource === rule)) {
        findings.push(
          objectFinding(
            rule,
            'pass',
            `DestinationRule ${rule.name} verifies the server certificate`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(rules.length, 'TLS-originating rule')} verify the server`,
      fail: n => `${count(n, 'TLS origination')} without a CA`,
    });
  },
});
