/*
 * The code a collector runs (DESIGN §5a, push mode): read a cluster or a
 * folder of kubectl outputs into a snapshot, bundle it, write it to a file
 * or post it to the portal. Used by the CLI's `collect` and by the sample
 * portal alike, so both deliver bundles the same way.
 */
export {
  buildEvidenceBundle,
  encodeEvidenceBundle,
  InvalidEvidenceBundleError,
  writeEvidenceBundle,
} from './evidenceBundle';
export type {
  BuildEvidenceBundleOptions,
  EvidenceCollector,
} from './evidenceBundle';
export {
  EvidencePostError,
  evidenceEndpointUrl,
  postEvidenceBundle,
} from './postEvidenceBundle';
export type {
  PostEvidenceBundleOptions,
  PostEvidenceBundleResult,
} from './postEvidenceBundle';
export { KubectlDumpError, readKubectlDump } from './readKubectlDump';
export type { ReadKubectlDumpOptions } from './readKubectlDump';
export { KubeconfigError, loadCollectorKubeConfig } from './kubeconfig';
export type { CollectorKubeConfigOptions } from './kubeconfig';
export { collectFromKubeconfig } from './collectFromKubeconfig';
// What a failed live collection throws, for collectors to tell a cluster
// that did not answer from bad input.
export { ClusterCollectionError } from '../cluster/kubernetes/collectClusterSnapshot';
export type { CollectFromKubeconfigOptions } from './collectFromKubeconfig';
export { describeSnapshot } from './describeSnapshot';
export {
  readPrometheusRecording,
  readRecordedPrometheus,
  readRecordedTraffic,
  recordPrometheusAnswers,
  RecordedPrometheusError,
  RECORDED_PROMETHEUS_DIR,
  RECORDING_FILE,
} from './recordedPrometheus';
// The live traffic collection (`collect --prometheus`), from the same place.
export {
  collectTrafficSnapshot,
  PrometheusClient,
  PrometheusQueryError,
  windowSeconds,
} from '../traffic';
export type {
  CollectTrafficSnapshotOptions,
  PrometheusEndpoint,
  PrometheusErrorKind,
  PrometheusQueryResult,
  PrometheusSample,
  TrafficCollection,
  TrafficQueryCost,
  TrafficQueryId,
} from '../traffic';
export type {
  PrometheusRecording,
  ReadRecordedPrometheusOptions,
  RecordPrometheusAnswersOptions,
} from './recordedPrometheus';
