import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import {
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
  evidenceBundleSchema,
  explainSchemaIssues,
  formatSchemaPath,
  type ClusterSnapshot,
  type EvidenceBundle,
  type TrafficSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * What made a bundle: shown by the portal next to the pushed evidence.
 *
 * @public
 */
export interface EvidenceCollector {
  /** e.g. `@mesh-readiness/cli`. */
  name: string;
  version: string;
}

/**
 * Input of {@link buildEvidenceBundle}.
 *
 * @public
 */
export interface BuildEvidenceBundleOptions {
  /** The cluster's name as the portal knows it (the push URL names it too). */
  cluster: string;
  collector: EvidenceCollector;
  snapshot?: ClusterSnapshot;
  traffic?: TrafficSnapshot[];
  /** When the collection ended (ISO); defaults to now. */
  collectedAt?: string;
}

/**
 * A bundle that does not satisfy the evidence bundle schema; `problems` name
 * each offending value by its path in the bundle.
 *
 * @public
 */
export class InvalidEvidenceBundleError extends Error {
  readonly problems: string[];

  constructor(message: string, problems: string[]) {
    super(problems.length > 0 ? `${message}: ${problems.join('; ')}` : message);
    this.name = 'InvalidEvidenceBundleError';
    this.problems = problems;
  }
}

/**
 * Assembles the versioned bundle a collector pushes (or writes to a file) and
 * validates it against common's `evidenceBundleSchema`, so that a collector
 * never sends what the portal would refuse.
 *
 * @public
 */
export function buildEvidenceBundle(
  options: BuildEvidenceBundleOptions,
): EvidenceBundle {
  const { cluster, snapshot, traffic } = options;
  if (!snapshot && !traffic) {
    throw new InvalidEvidenceBundleError(
      `nothing to bundle for cluster '${cluster}'`,
      ['give a cluster snapshot, traffic snapshots or both'],
    );
  }
  if (snapshot && snapshot.cluster !== cluster) {
    // The portal files a bundle under the cluster in its URL; a snapshot of
    // another cluster would be filed under the wrong name.
    throw new InvalidEvidenceBundleError(
      `the snapshot is of cluster '${snapshot.cluster}', not '${cluster}'`,
      [],
    );
  }
  const candidate = {
    schemaVersion: EVIDENCE_BUNDLE_SCHEMA_VERSION,
    cluster,
    collectedAt: options.collectedAt ?? new Date().toISOString(),
    collector: options.collector,
    ...(snapshot ? { snapshot } : {}),
    ...(traffic ? { traffic } : {}),
  };
  const parsed = evidenceBundleSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new InvalidEvidenceBundleError(
      `the evidence bundle for cluster '${cluster}' is not valid`,
      explainSchemaIssues(
        evidenceBundleSchema,
        candidate,
        parsed.error.issues,
      ).map(problem => `${formatSchemaPath(problem.path)}: ${problem.message}`),
    );
  }
  return parsed.data;
}

/**
 * The bundle as it travels and is stored: JSON, gzip-compressed.
 *
 * @public
 */
export function encodeEvidenceBundle(bundle: EvidenceBundle): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(bundle), 'utf8'));
}

/**
 * Writes the bundle as gzip-compressed JSON (`.json.gz`), e.g. for a cluster
 * whose network lets nothing out but a file copied by hand. Returns the
 * number of bytes written.
 *
 * @public
 */
export async function writeEvidenceBundle(
  file: string,
  bundle: EvidenceBundle,
): Promise<number> {
  const body = encodeEvidenceBundle(bundle);
  await writeFile(file, body);
  return body.length;
}
