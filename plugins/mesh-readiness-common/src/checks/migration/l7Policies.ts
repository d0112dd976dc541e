/** Check `migrate.l7-policy`: "HTTP authorization rules target a waypoint (targetRefs)". */
import { ISTIO_SECURITY_GROUP } from '../../manifests';
import {
  hasTargetRefs,
  httpAttributes,
} from '../../istio/policy/ambientPolicy';
import { blockerAnalyzer } from './blockerAnalyzer';

/** migrate.l7-policy: selector policies with HTTP rules move to targetRefs. */
export const migrateL7Policies = blockerAnalyzer({
  id: 'migrate.l7-policy',
  title: 'HTTP authorization rules target a waypoint (targetRefs)',
  upstream: ['istio ambient migration: selector L7 policies to targetRefs'],
  blockers: manifests =>
    manifests
      .ofKind('AuthorizationPolicy', ISTIO_SECURITY_GROUP)
      .filter(policy => !hasTargetRefs(policy))
      .flatMap(policy => {
        const attributes = httpAttributes(policy);
        return attributes.length === 0
          ? []
          : [
              {
                object: policy,
                message: `AuthorizationPolicy ${
                  policy.name
                } uses HTTP attributes (${[
                  ...new Set(attributes.map(a => a.attribute)),
                ].join(
                  ', ',
                )}) with a selector; in ambient ztunnel drops them, only a waypoint enforces them`,
                field: attributes[0].field,
              },
            ];
      }),
  remediation:
    'split the policy: L4 rules stay with the selector, HTTP rules go to a policy with targetRefs on the Service (its waypoint enforces them)',
  passSummary: 'no selector policy with HTTP rules',
  failNoun: 'policy',
});
