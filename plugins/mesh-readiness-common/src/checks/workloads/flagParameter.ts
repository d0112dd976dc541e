/**
 * Boolean program parameters that tell the workload checks what the
 * manifests cannot show (k8s.startup, k8s.resources).
 */
import type { AnalyzerParameter } from '../types';

export const flag = (
  description: string,
): AnalyzerParameter & { default: boolean } => ({
  type: 'boolean',
  default: false,
  description,
});
