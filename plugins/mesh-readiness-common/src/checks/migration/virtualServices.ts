/** Check `migrate.virtualservice`: "Routing uses Gateway API HTTPRoutes, not VirtualServices". */
import { ISTIO_NETWORKING_GROUP } from '../../manifests';
import { blockerAnalyzer } from './blockerAnalyzer';

/** migrate.virtualservice: routing moves from VirtualService to HTTPRoute. */
export const migrateVirtualServices = blockerAnalyzer({
  id: 'migrate.virtualservice',
  title: 'Routing uses Gateway API HTTPRoutes, not VirtualServices',
  upstream: ['istio ambient migration: VirtualService to HTTPRoute'],
  blockers: manifests =>
    manifests.ofKind('VirtualService', ISTIO_NETWORKING_GROUP).map(vs => ({
      object: vs,
      message: `VirtualService ${vs.name} routes mesh traffic; with waypoints VirtualService is Alpha and mixing it with HTTPRoute is undefined`,
    })),
  remediation:
    'rewrite the routes as an HTTPRoute whose parentRef is the Service (timeouts, retry, weights), then delete the VirtualService',
  passSummary: 'no VirtualService to migrate',
  failNoun: 'VirtualService',
});
