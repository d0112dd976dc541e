import type { IstioAnalyzer } from '../analyzer';
import { fullName, mappings } from '../resources';

const ORIGINATING_MODES = new Set(['SIMPLE', 'MUTUAL']);

/**
 * TLS origination (mode SIMPLE or MUTUAL) without `caCertificates` does not
 * verify the server's certificate (IST0128 for the whole host, IST0129 per
 * port). A `credentialName` only provides the CA when the rule is bound to
 * workloads with `workloadSelector` (gateways), so that case is exempt.
 */
export const caCertificateAnalyzer: IstioAnalyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  title: 'TLS origination verifies the server certificate',
  inputs: ['DestinationRule'],
  analyze(context) {
    for (const rule of context.ofKind('DestinationRule')) {
      const spec = rule.body.spec ?? {};
      const host = typeof spec.host === 'string' ? spec.host : '';
      const hasSelector =
        typeof spec.workloadSelector === 'object' &&
        spec.workloadSelector !== null;
      const unverified = (tls: any): string | undefined => {
        if (typeof tls !== 'object' || tls === null) return undefined;
        if (!ORIGINATING_MODES.has(tls.mode)) return undefined;
        if (tls.caCertificates) return undefined;
        if (tls.credentialName && hasSelector) return undefined;
        return tls.mode;
      };
      const policy = spec.trafficPolicy ?? {};
      const mode = unverified(policy.tls);
      if (mode) {
        context.report(
          'IST0128',
          rule,
          `DestinationRule ${fullName(
            rule,
          )} originates TLS (mode ${mode}) to ${host} without caCertificates, so the server's identity is not verified; set trafficPolicy.tls.caCertificates (or credentialName with a workloadSelector).`,
          rule.lineOf(['spec', 'trafficPolicy', 'tls', 'mode']),
        );
      }
      for (const [setting, index] of mappings(policy.portLevelSettings)) {
        const portMode = unverified(setting.tls);
        if (!portMode) continue;
        context.report(
          'IST0129',
          rule,
          `DestinationRule ${fullName(
            rule,
          )} originates TLS (mode ${portMode}) to ${host} port ${
            setting.port?.number ?? '?'
          } without caCertificates, so the server's identity is not verified; set caCertificates in that portLevelSettings entry.`,
          rule.lineOf([
            'spec',
            'trafficPolicy',
            'portLevelSettings',
            index,
            'tls',
            'mode',
          ]),
        );
      }
    }
  },
};
