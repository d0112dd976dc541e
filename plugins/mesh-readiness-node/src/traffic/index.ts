export {
  PrometheusClient,
  PrometheusQueryError,
  type PrometheusEndpoint,
  type PrometheusErrorKind,
  type PrometheusQueryResult,
  type PrometheusSample,
} from './PrometheusClient';
export {
  trafficQueries,
  type TrafficQueryId,
  type TrafficQueryOptions,
} from './queries';
export {
  collectTrafficSnapshot,
  windowSeconds,
  type CollectTrafficSnapshotOptions,
  type TrafficCollection,
  type TrafficQueryCost,
} from './collectTrafficSnapshot';
