/*
 * The CI export: everything the CLI needs beyond the repository to evaluate
 * an entity as the portal does. The backend serves it at
 * `GET /scorecards/{kind}/{namespace}/{name}/ci-facts`; the CLI reads it
 * with `mesh-readiness check --attestations`. Both use this one schema.
 */
import { z } from 'zod';
import { attestationSchema, waiverSchema } from './attestation';
import { component } from './registry';

/** Upper bound on callers in one export, as the API accepts them. */
const MAX_CALLERS = 10_000;

/**
 * One caller (an entity with a `dependencyOf` relation to the entity) and
 * its current phase.
 *
 * @public
 */
export const callerFactSchema = z.strictObject({
  entityRef: z.string().min(1),
  phase: z.string().min(1),
  meshed: z.boolean(),
});

/**
 * Catalog facts that need other entities, resolved by the caller: whether
 * the owner resolves to a Group, and the callers with their current phase.
 *
 * @public
 */
export const catalogFactsSchema = component(
  z.strictObject({
    ownerIsGroup: z.boolean().optional(),
    callers: z.array(callerFactSchema).max(MAX_CALLERS).optional(),
  }),
  'CatalogFacts',
  'What the catalog knows beyond the entity itself: whether its owner resolves to a Group, and its callers (entities with a `dependencyOf` relation to it) with their current phase.',
);

/**
 * The CI facts of an entity as the portal exports them.
 *
 * @public
 */
export const ciFactsSchema = component(
  z.strictObject({
    entityRef: z.string().min(1),
    programId: z.string().min(1),
    exportedAt: z.iso.datetime({ offset: true }),
    attestations: z.array(attestationSchema),
    waivers: z.array(waiverSchema),
    catalog: catalogFactsSchema,
  }),
  'CiFacts',
  'Everything the CLI needs beyond the repository to evaluate an entity as the portal does: the attestations and waivers in force and the catalog facts. Passed to `mesh-readiness check --ci-facts`.',
);

/**
 * What `mesh-readiness check --attestations` reads: the portal's export or a
 * hand-made file with only `attestations` and `waivers` (an older export
 * holds nothing else). Catalog facts belong to one entity, so `catalog`
 * needs `entityRef`.
 *
 * @public
 */
export const attestationFileSchema = ciFactsSchema
  .partial({
    entityRef: true,
    programId: true,
    exportedAt: true,
    catalog: true,
  })
  .extend({
    // An empty list in hand-written YAML (`waivers:`) reads as null.
    attestations: z
      .array(attestationSchema)
      .nullish()
      .transform(list => list ?? []),
    waivers: z
      .array(waiverSchema)
      .nullish()
      .transform(list => list ?? []),
  })
  .superRefine((file, context) => {
    if (file.catalog && file.entityRef === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['catalog'],
        message:
          'catalog facts belong to one entity; give its entityRef next to them',
      });
    }
  });
