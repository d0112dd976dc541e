import type { CheckAnalyzer } from '../types';
import { injectionNamespace } from './namespace';
import { injectionPresent } from './proxyPresent';

/** The injection checks (`k8s.inject.*`). */
export const injectionAnalyzers: CheckAnalyzer[] = [
  injectionNamespace,
  injectionPresent,
];
