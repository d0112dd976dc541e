export { analyzeIstio, renderIstioMessage } from './analyzeIstio';
export type { AnalyzeIstioOptions } from './analyzeIstio';
export {
  CLAIMED_ISTIO_ANALYZERS,
  UNCLAIMED_CONFORMANCE_ENTRIES,
} from './claims';
export type { IstioAnalyzer } from './analyzer';
export type {
  IstioAnalysisContext,
  IstioAnalysisContextOptions,
  PodView,
} from './context';
export { ISTIO_ANALYSIS_KINDS, SYSTEM_NAMESPACES } from './kinds';
export type { IstioAnalysisKind } from './kinds';
export { ISTIO_MESSAGE_TYPES } from './messageCatalogue';
export type { IstioMessageCode } from './messageCatalogue';
export { defaultMeshConfig, resolveMeshConfig } from './meshConfig';
export type {
  IstioMessage,
  IstioMessageLevel,
  MeshConfig,
  MeshConfigOverrides,
} from './types';
