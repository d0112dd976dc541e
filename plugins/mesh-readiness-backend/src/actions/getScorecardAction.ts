import { NotFoundError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  authorizeCaller,
  visibleEntity,
  type ActionServices,
} from './actionServices';
import { scorecardDigest, scorecardDigestSchema } from './scorecardDigest';

/** `get-scorecard`: an entity's stored scorecard, as GET /scorecards/… reads it. */
export function registerGetScorecardAction(services: ActionServices) {
  services.actionsRegistry.register({
    name: 'get-scorecard',
    title: 'Get a Mesh Readiness scorecard',
    description: `Returns the Mesh Readiness scorecard of a catalog entity: its adoption phase (pilot, expand, enforce, sustain, or not-started), the progress to the next phase, every check with its status (pass, fail, warn, unknown, waived, not-applicable, not-evaluated), the evidence behind the checks that are not passing, the evidence sources and whether they answered, and for each check its playbook, template and portal link.
Needs the mesh-readiness.scorecard.read permission. An entity the caller may not see in the catalog is reported as not found.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z
          .object({
            entityRef: z
              .string()
              .min(1)
              .describe(
                'The entity ref, e.g. component:default/cart-service (kind component when left out)',
              ),
            programId: z
              .string()
              .min(1)
              .optional()
              .describe(
                'The program, e.g. istio-adoption; by default the one the entity was last evaluated under',
              ),
          })
          .strict(),
      output: z => scorecardDigestSchema(z),
    },
    action: async ({ input, credentials }) => {
      await authorizeCaller(services, credentials);
      const entity = await visibleEntity(
        services,
        credentials,
        input.entityRef,
        'entityRef',
        { defaultKind: 'component' },
      );
      const entityRef = stringifyEntityRef(entity);
      const record = await services.queries.scorecard(
        entityRef,
        input.programId,
      );
      if (!record) {
        throw new NotFoundError(
          `no scorecard for ${entityRef}${
            input.programId ? ` under program ${input.programId}` : ''
          }`,
        );
      }
      return {
        output: scorecardDigest(record.scorecard, {
          stale: record.stale,
          staleReason: record.staleReason,
        }),
      };
    },
  });
}
