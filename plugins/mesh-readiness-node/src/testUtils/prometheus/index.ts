export {
  freePort,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type RunningPrometheus,
  type StartPrometheusOptions,
} from './startPrometheusWithSeries';
export {
  meshMetricsOpenMetrics,
  type MeshMetricsOptions,
  type SimulatedCaller,
  type SimulatedWorkload,
} from './meshMetricsOpenMetrics';
export { startDelayingProxy, type DelayingProxy } from './delayingProxy';
