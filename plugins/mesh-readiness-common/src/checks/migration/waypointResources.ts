/** Check `migrate.waypoint-resources`: "RequestAuthentication and WasmPlugin target a waypoint". */
import { ISTIO_SECURITY_GROUP } from '../../manifests';
import { hasTargetRefs } from '../../istio/policy/ambientPolicy';
import { blockerAnalyzer } from './blockerAnalyzer';

/**
 * migrate.waypoint-resources: RequestAuthentication and WasmPlugin act on
 * HTTP, so in ambient they need a waypoint and targetRefs.
 */
export const migrateWaypointResources = blockerAnalyzer({
  id: 'migrate.waypoint-resources',
  title: 'RequestAuthentication and WasmPlugin target a waypoint',
  upstream: ['istio ambient migration: resources that need a waypoint'],
  blockers: manifests =>
    [
      ...manifests.ofKind('RequestAuthentication', ISTIO_SECURITY_GROUP),
      ...manifests.ofKind('WasmPlugin', 'extensions.istio.io'),
    ]
      .filter(object => !hasTargetRefs(object))
      .map(object => ({
        object,
        message: `${object.kind} ${object.name} selects workloads; in ambient it only works on a waypoint, through targetRefs`,
      })),
  remediation:
    'deploy a waypoint for the Service and set targetRefs (kind Service or Gateway) instead of selector',
  passSummary: 'no selector-bound RequestAuthentication or WasmPlugin',
  failNoun: 'resource',
});
