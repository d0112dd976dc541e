/** Check `migrate.envoyfilter`: "No EnvoyFilter". */
import { ISTIO_NETWORKING_GROUP } from '../../manifests';
import { blockerAnalyzer } from './blockerAnalyzer';

/** migrate.envoyfilter: EnvoyFilters have no ambient equivalent. */
export const migrateEnvoyFilters = blockerAnalyzer({
  id: 'migrate.envoyfilter',
  title: 'No EnvoyFilter',
  upstream: ['istio ambient migration: EnvoyFilter unsupported'],
  blockers: manifests =>
    manifests.ofKind('EnvoyFilter', ISTIO_NETWORKING_GROUP).map(filter => ({
      object: filter,
      message: `EnvoyFilter ${filter.name} patches a sidecar; ambient has no sidecar, and waypoints do not take workload-selected EnvoyFilters`,
    })),
  remediation:
    'replace the EnvoyFilter with a supported API (Telemetry, WasmPlugin with targetRefs, HTTPRoute filters) or keep the workload on sidecars',
  passSummary: 'no EnvoyFilter',
  failNoun: 'EnvoyFilter',
});
