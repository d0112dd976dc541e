import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  linkProblem,
  meshReadinessChecklistAttestPermission,
  meshReadinessProgramAdminPermission,
  meshReadinessScorecardReadPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { attestorRolesOf, describeHeldRoles } from '../AttestorRoles';
import { optionalEntityRefOfField } from '../requestRefs';
import type { ApiRouter, RouteContext } from './routeContext';

/** Attestations: list, the caller's roles, attest, revoke. */
export function attestationsRoutes(router: ApiRouter, ctx: RouteContext) {
  const { queries, workflows, roleGroups } = ctx;

  /** The attestor roles the caller holds for an entity, from their identity. */
  async function attestorRoles(
    credentials: BackstageCredentials,
    entity: Entity,
  ) {
    return attestorRolesOf(
      entity,
      await ctx.ownershipEntityRefs(credentials),
      roleGroups,
    );
  }

  router.get('/attestations', async (req, res) => {
    await ctx.canRead(req);
    const items = await queries.attestations({
      entityRef: optionalEntityRefOfField(req.query.entityRef, 'entityRef'),
      programId: req.query.programId,
      includeRevoked: req.query.includeRevoked ?? false,
    });
    res.json({ items });
  });

  router.get('/attestations/roles', async (req, res) => {
    const { credentials } = await ctx.userRef(req);
    await ctx.authorize(credentials, meshReadinessScorecardReadPermission);
    const entity = await ctx.entityOr404(req.query.entityRef);
    res.json({
      entityRef: stringifyEntityRef(entity),
      roles: await attestorRoles(credentials, entity),
    });
  });

  router.post('/attestations', async (req, res) => {
    const body = req.body;
    const { attestation, created } = await ctx.audited(
      req,
      'attestation-create',
      {
        entityRef: body.entityRef,
        programId: body.programId,
        itemId: body.itemId,
        role: body.role,
      },
      async event => {
        const { credentials, userEntityRef } = await ctx.userRef(req);
        if (body.evidenceUrl !== undefined) {
          const problem = linkProblem(body.evidenceUrl);
          if (problem) throw new InputError(`evidenceUrl: ${problem}`);
        }
        const result = await workflows.createAttestation(body, {
          userEntityRef,
          rolesOn: entity => attestorRoles(credentials, entity),
          authorizeAttest: async (entityRef, roles) => {
            try {
              await ctx.authorizeOn(
                credentials,
                meshReadinessChecklistAttestPermission,
                entityRef,
              );
            } catch (error) {
              // Say what would make it allowed: the roles not held, and why.
              if (error instanceof NotAllowedError) {
                throw new NotAllowedError(
                  `${error.message}; you hold ${describeHeldRoles(
                    roles,
                  )} there (${roles
                    .filter(r => !r.held)
                    .map(r => r.reason)
                    .join('; ')})`,
                );
              }
              throw error;
            }
          },
        });
        await event.success({
          meta: {
            attestationId: result.attestation.id,
            role: result.attestation.role,
            created: result.created,
          },
        });
        return result;
      },
    );
    // 201 for a new attestation, 200 for the identical one already in force.
    if (created) {
      res.status(201).json(attestation);
    } else {
      res.status(200).json(attestation);
    }
  });

  router.post('/attestations/:id/revoke', async (req, res) => {
    const revoked = await ctx.audited(
      req,
      'attestation-revoke',
      { attestationId: req.params.id },
      async event => {
        const { credentials, userEntityRef } = await ctx.userRef(req);
        const result = await workflows.revokeAttestation(req.params.id, {
          userEntityRef,
          authorizeAttest: entityRef =>
            ctx.authorizeOn(
              credentials,
              meshReadinessChecklistAttestPermission,
              entityRef,
            ),
          isPlatformAdmin: () => ctx.isPlatformAdmin(credentials),
          platformAdminDescription: [
            ...roleGroups.platform.map(g => `member of ${g}`),
            `allowed ${meshReadinessProgramAdminPermission.name}`,
          ].join(' or '),
        });
        await event.success({
          meta: { entityRef: result.entityRef, itemId: result.itemId },
        });
        return result;
      },
    );
    res.json(revoked);
  });
}
