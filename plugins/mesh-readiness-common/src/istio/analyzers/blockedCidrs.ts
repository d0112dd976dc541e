import type { IstioAnalyzer } from '../analyzer';
import { containersOf } from '../context';
import { fullName } from '../resources';

const BLOCKED_CIDRS_ENV = 'BLOCKED_CIDRS_IN_JWKS_URIS';

/**
 * With RequestAuthentication in use, istiod fetches JWKS from URIs that
 * users write; without BLOCKED_CIDRS_IN_JWKS_URIS it can be pointed at
 * internal addresses (IST0175).
 */
export const blockedCidrsAnalyzer: IstioAnalyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  title: 'istiod restricts where JWKS may be fetched from',
  inputs: ['RequestAuthentication', 'Deployment'],
  analyze(context) {
    const authentications = context.ofKind('RequestAuthentication');
    if (authentications.length === 0) return;
    const names = authentications.map(fullName).join(', ');
    for (const deployment of context.ofKind('Deployment')) {
      if (deployment.labels.app !== 'istiod') continue;
      const containers = containersOf(
        deployment.body.spec?.template?.spec ?? {},
      );
      const configured = containers.some(
        container =>
          Array.isArray(container.env) &&
          container.env.some(
            (variable: any) =>
              variable?.name === BLOCKED_CIDRS_ENV &&
              typeof variable.value === 'string' &&
              variable.value !== '',
          ),
      );
      if (configured) continue;
      context.report(
        'IST0175',
        deployment,
        `istiod does not set ${BLOCKED_CIDRS_ENV}, but ${authentications.length} RequestAuthentication resource(s) exist (${names}); set it (e.g. to your private ranges) so JWKS URIs cannot make istiod call internal networks.`,
        deployment.lineOf(['spec', 'template', 'spec', 'containers']),
      );
    }
  },
};
