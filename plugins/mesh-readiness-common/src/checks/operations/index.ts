import type { CheckAnalyzer } from '../types';
import { proxyDrift } from './proxyDrift';

/** The operations checks (`ops.*`). */
export const operationsAnalyzers: CheckAnalyzer[] = [proxyDrift];
