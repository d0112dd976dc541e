import type { CheckAnalyzer } from '../types';
import { metricsExposed } from './metricsExposed';
import { goldenSignals } from './goldenSignals';
import { tracePropagation } from './tracePropagation';

/** The observability checks (`obs.*`). */
export const observabilityAnalyzers: CheckAnalyzer[] = [
  metricsExposed,
  goldenSignals,
  tracePropagation,
];
