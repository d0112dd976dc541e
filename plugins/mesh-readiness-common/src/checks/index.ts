export { getAnalyzer, listAnalyzers, validateAnalyzerParams } from './registry';
export type { AnalyzerDescription } from './registry';
export type * from './types';
