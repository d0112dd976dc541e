/*
 * The evidence bundle an in-cluster collector pushes to the portal
 * (`mesh-readiness collect`, DESIGN §5a "Push mode"): one cluster's
 * snapshot and/or traffic readings, with who collected them and when. The
 * version is explicit so a portal refuses a bundle it does not understand
 * instead of reading it wrongly.
 */
import { z } from 'zod';
import { clusterSnapshotSchema } from './clusterSnapshot';
import { trafficSnapshotSchema } from './trafficSnapshot';

/**
 * The bundle format this code writes and reads.
 *
 * @public
 */
export const EVIDENCE_BUNDLE_SCHEMA_VERSION = 1;

/**
 * Every `schemaVersion` this code accepts; older or newer ones are refused
 * with a message naming these.
 *
 * @public
 */
export const ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS: ReadonlyArray<number> = [
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
];

const nameSchema = z.string().min(1).max(253);
/** More Prometheus servers than this for one cluster is not a real setup. */
const MAX_TRAFFIC_SNAPSHOTS = 32;

const schemaVersionSchema = z.literal(EVIDENCE_BUNDLE_SCHEMA_VERSION, {
  error: issue =>
    `schemaVersion ${JSON.stringify(
      issue.input,
    )} is not accepted; accepted: ${ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS.join(
      ', ',
    )}`,
});

const bundleBodySchema = z
  .strictObject({
    schemaVersion: schemaVersionSchema,
    /** The cluster the bundle speaks for, as the portal names it. */
    cluster: nameSchema,
    /** When the collector finished (ISO 8601). */
    collectedAt: z.iso.datetime({ offset: true }),
    collector: z.strictObject({
      name: nameSchema,
      version: z.string().min(1).max(128),
    }),
    snapshot: clusterSnapshotSchema.optional(),
    /** What the cluster's Prometheus servers answered. */
    traffic: z
      .array(trafficSnapshotSchema)
      .min(1)
      .max(MAX_TRAFFIC_SNAPSHOTS)
      .optional(),
  })
  .superRefine((bundle, context) => {
    if (!bundle.snapshot && !bundle.traffic) {
      context.addIssue({
        code: 'custom',
        message: 'the bundle carries no evidence: add a snapshot or traffic',
        path: [],
      });
    }
    const ofCluster = (what: string, cluster: string) =>
      `${what} is of cluster ${JSON.stringify(
        cluster,
      )}, the bundle of ${JSON.stringify(bundle.cluster)}`;
    if (bundle.snapshot && bundle.snapshot.cluster !== bundle.cluster) {
      context.addIssue({
        code: 'custom',
        message: ofCluster('the snapshot', bundle.snapshot.cluster),
        path: ['snapshot', 'cluster'],
      });
    }
    bundle.traffic?.forEach((traffic, index) => {
      if (traffic.cluster !== undefined && traffic.cluster !== bundle.cluster) {
        context.addIssue({
          code: 'custom',
          message: ofCluster(`traffic from ${traffic.source}`, traffic.cluster),
          path: ['traffic', index, 'cluster'],
        });
      }
    });
  });

/**
 * A pushed evidence bundle. The version is read first: a bundle of another
 * version is refused with that one message, not with every field its
 * format does differently.
 *
 * @public
 */
export const evidenceBundleSchema = z
  .looseObject({ schemaVersion: schemaVersionSchema })
  .pipe(bundleBodySchema);

/** @public */
export type EvidenceBundle = z.output<typeof evidenceBundleSchema>;
