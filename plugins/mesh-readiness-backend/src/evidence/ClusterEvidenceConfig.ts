import type { Config } from '@backstage/config';
import { parseByteSize } from '../service/requestBodies';
import { readEvidenceMaxAge, type EvidenceMaxAge } from './evidenceMaxAge';

/** How the backend treats cluster evidence (`meshReadiness.evidence.cluster`). */
export interface ClusterEvidenceSettings {
  /** Evidence older than this makes its checks `unknown`, per mode. */
  maxAgeMs: EvidenceMaxAge;
  push: {
    /** Whether collectors may post bundles (the route answers 404 when not). */
    enabled: boolean;
    /** Largest bundle, on the wire and after inflating. */
    maxBundleBytes: number;
  };
}

/** 20 MiB: a snapshot of 150,000 pods with their mesh labels, gzip or not. */
export const DEFAULT_MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

/**
 * Reads `meshReadiness.evidence.cluster`. `maxAge` is a duration as
 * Backstage reads them (`2h`, `3 days`, an ISO duration, or an object such
 * as `{ hours: 2 }`); when given it applies to pulled and pushed evidence
 * alike, else pulled readings may be 1 hour old and pushed bundles 1 day
 * (a collector CronJob runs less often than the portal's evaluation).
 */
export function readClusterEvidenceSettings(
  config: Config | undefined,
): ClusterEvidenceSettings {
  const cluster = config?.getOptionalConfig('evidence.cluster');
  const maxAgeMs = readEvidenceMaxAge(config, 'cluster');
  const maxBundleBytes = cluster?.getOptional<number | string>(
    'push.maxBundleBytes',
  );
  return {
    maxAgeMs,
    push: {
      enabled: cluster?.getOptionalBoolean('push.enabled') ?? true,
      maxBundleBytes:
        maxBundleBytes === undefined
          ? DEFAULT_MAX_BUNDLE_BYTES
          : parseByteSize(
              maxBundleBytes,
              'meshReadiness.evidence.cluster.push.maxBundleBytes',
            ),
    },
  };
}
