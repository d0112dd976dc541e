import type {
  Attestation,
  EntityFacts,
  Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { evaluateStatelessRequest } from '../service/statelessEvaluation';
import { authorizeCaller, type ActionServices } from './actionServices';
import { scorecardDigest, scorecardDigestSchema } from './scorecardDigest';
import { requireSpecBody } from './specRequestBodies';

/**
 * `evaluate-manifests`: the stateless evaluation of `POST /evaluate`, by the
 * same code path (rate limit, program choice, worker pool) after the same
 * validation (the spec's `EvaluateRequest`). Nothing is stored.
 */
export function registerEvaluateManifestsAction(services: ActionServices) {
  services.actionsRegistry.register({
    name: 'evaluate-manifests',
    title: 'Evaluate manifests for Mesh Readiness',
    description: `Evaluates a catalog entity with the given Kubernetes, Istio, Linkerd and Gateway API manifests against a Mesh Readiness program, without storing anything, and returns the scorecard it would get: phase, checks with status, the evidence (file, line, resource) behind the checks that are not passing, playbooks and templates. Use it to check a change before it is merged.
The input is that of POST /api/mesh-readiness/evaluate (at most 5000 manifests), validated the same way; the program is programId, a program given as YAML text in program, or by default the one that applies to the entity. Calls are limited per caller as POST /evaluate is. Needs the mesh-readiness.scorecard.read permission.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z
          .object({
            entity: z
              .object({
                apiVersion: z.string(),
                kind: z.string(),
                metadata: z
                  .object({
                    name: z.string(),
                    namespace: z.string().optional(),
                  })
                  .passthrough(),
                spec: z.record(z.unknown()).optional(),
              })
              .passthrough()
              .describe(
                'The catalog entity, e.g. {apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name}, spec: {type: service, owner}}',
              ),
            manifests: z
              .array(
                z
                  .object({
                    path: z
                      .string()
                      .describe('File path, e.g. k8s/service.yaml'),
                    content: z.string().describe('The YAML text of the file'),
                    url: z.string().optional(),
                  })
                  .strict(),
              )
              .describe('The manifest files'),
            programId: z
              .string()
              .optional()
              .describe('A program in force, e.g. istio-adoption'),
            program: z
              .string()
              .optional()
              .describe('Program YAML to evaluate against instead'),
            attestations: z
              .array(z.object({}).passthrough())
              .optional()
              .describe('Attestations, as GET /attestations lists them'),
            waivers: z
              .array(z.object({}).passthrough())
              .optional()
              .describe('Waivers, as GET /waivers lists them'),
            catalog: z
              .object({})
              .passthrough()
              .optional()
              .describe('Catalog facts: ownerIsGroup, callers'),
            now: z
              .string()
              .optional()
              .describe('The evaluation clock (ISO date-time)'),
          })
          .strict(),
      output: z => scorecardDigestSchema(z),
    },
    action: async ({ input, credentials }) => {
      await authorizeCaller(services, credentials);
      const body = requireSpecBody('EvaluateRequest', input);
      const scorecard = await evaluateStatelessRequest(services, credentials, {
        ...body,
        // Valid against the spec's EvaluateRequest, whose parts are the
        // domain's schemas (generated from common's).
        entity: body.entity as EntityFacts['entity'],
        attestations: body.attestations as Attestation[] | undefined,
        waivers: body.waivers as Waiver[] | undefined,
        catalog: body.catalog as EntityFacts['catalog'],
      });
      return { output: scorecardDigest(scorecard) };
    },
  });
}
