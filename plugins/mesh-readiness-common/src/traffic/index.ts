export type { TrafficReading } from './trafficReading';
export {
  entityWorkloadsOf,
  WORKLOAD_NAME_LABELS,
  type EntityWorkloads,
  type EntityWorkloadsResult,
  type KnownWorkload,
} from './entityWorkloads';
export {
  indexTrafficReadings,
  type TrafficIndex,
  type TrafficIndexOptions,
  type UsableTraffic,
  type UnusableTraffic,
  type DestinationRows,
} from './indexTrafficReadings';
export {
  trafficFactsFor,
  type ClusterWorkloadInput,
  type TrafficFactsOptions,
  type TrafficFactsResult,
} from './trafficFactsFor';
export {
  catalogWorkloadIndex,
  type CatalogWorkloadIndex,
} from './catalogWorkloads';
export { identityWorkloadOf, type IdentityWorkload } from './callerIdentity';
