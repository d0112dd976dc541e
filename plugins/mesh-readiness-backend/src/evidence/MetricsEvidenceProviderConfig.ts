import type { Config } from '@backstage/config';
import { readEvidenceMaxAge, type EvidenceMaxAge } from './evidenceMaxAge';

/** How the backend treats traffic evidence (`meshReadiness.evidence.metrics`). */
export interface MetricsEvidenceSettings {
  /** Traffic evidence older than this makes its checks `unknown`, per mode. */
  maxAgeMs: EvidenceMaxAge;
}

/** Reads `meshReadiness.evidence.metrics` (`maxAge`, as for cluster evidence). */
export function readMetricsEvidenceSettings(
  config: Config | undefined,
): MetricsEvidenceSettings {
  return { maxAgeMs: readEvidenceMaxAge(config, 'metrics') };
}
