import type { CheckAnalyzer } from '../types';
import { declaredObserved } from './declaredObserved';
import { proxyDrift } from './proxyDrift';

/** The operations checks (`ops.*`). */
export const operationsAnalyzers: CheckAnalyzer[] = [
  proxyDrift,
  declaredObserved,
];
