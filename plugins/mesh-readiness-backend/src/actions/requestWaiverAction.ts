import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { meshReadinessWaiverRequestPermission } from '@mesh-readiness/plugin-mesh-readiness-common';
import { callerOf } from '../service/RateLimiter';
import { visibleEntity, type ActionServices } from './actionServices';
import { entityCheckPath } from './portalLinks';
import { requireSpecBody } from './specRequestBodies';

/** The user behind the credentials; waivers are requested by people. */
function requestingUser(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new AuthenticationError(
      'a waiver is requested by a signed-in user; call the action with user credentials',
    );
  }
  return principal.userEntityRef;
}

/**
 * `request-waiver`: POST /waivers as an action — the same validation (the
 * spec's `CreateWaiverRequest`, then ReadinessWorkflows' rules), the same
 * entity-scoped permission and the same audit event (`waiver-request`),
 * which names the user and that it came through the actions endpoint.
 */
export function registerRequestWaiverAction(services: ActionServices) {
  const { auditor, permissions, workflows } = services;
  services.actionsRegistry.register({
    name: 'request-waiver',
    title: 'Request a Mesh Readiness waiver',
    description: `Requests a waiver of a check or checklist item for a catalog entity: with a justification, an optional compensating control and an expiry. The waiver is stored in state "requested" and counts (the item shows as waived) only once an approver approves it in the portal. Writes to the audit log.
Needs the mesh-readiness.waiver.request permission on the entity (by default: members of the owning group) and user credentials. The expiry must be in the future and within the configured maximum (meshReadiness.waivers.maxDurationDays, 365 days by default).`,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z
          .object({
            entityRef: z
              .string()
              .min(1)
              .describe('The entity, e.g. component:default/cart-service'),
            programId: z
              .string()
              .min(1)
              .describe('The program, e.g. istio-adoption'),
            itemId: z
              .string()
              .min(1)
              .describe('The check or checklist item id to waive'),
            justification: z
              .string()
              .min(1)
              .max(4000)
              .describe('Why the item cannot pass now'),
            compensatingControl: z
              .string()
              .max(4000)
              .optional()
              .describe('What limits the risk meanwhile'),
            expiresAt: z
              .string()
              .describe('When the waiver stops counting (ISO date-time)'),
          })
          .strict(),
      output: z =>
        z.object({
          id: z.string(),
          entityRef: z.string(),
          programId: z.string(),
          itemId: z.string(),
          state: z.string(),
          justification: z.string(),
          compensatingControl: z.string().optional(),
          requestedBy: z.string(),
          requestedAt: z.string(),
          expiresAt: z.string(),
          link: z
            .string()
            .describe('Portal path of the item on the entity tab'),
        }),
    },
    action: async ({ input, credentials }) => {
      const event = await auditor.createEvent({
        eventId: 'waiver-request',
        severityLevel: 'medium',
        meta: {
          entityRef: input.entityRef,
          programId: input.programId,
          itemId: input.itemId,
          // No HTTP request of the caller's reaches the action: the actor
          // is named here.
          actor: callerOf(credentials),
          via: 'actions',
        },
      });
      try {
        const userEntityRef = requestingUser(credentials);
        const body = requireSpecBody('CreateWaiverRequest', input);
        // Read as the caller: an entity they may not see is not found.
        const entity = await visibleEntity(
          services,
          credentials,
          body.entityRef,
          'entityRef',
        );
        const waiver = await workflows.requestWaiver(
          { ...body, entityRef: stringifyEntityRef(entity) },
          {
            userEntityRef,
            authorizeRequest: async entityRef => {
              const [decision]: PolicyDecision[] = await permissions.authorize(
                [
                  {
                    permission: meshReadinessWaiverRequestPermission,
                    resourceRef: entityRef,
                  },
                ],
                { credentials },
              );
              if (decision.result !== AuthorizeResult.ALLOW) {
                throw new NotAllowedError(
                  `${meshReadinessWaiverRequestPermission.name} is not allowed on ${entityRef}`,
                );
              }
            },
          },
        );
        await event.success({
          meta: {
            waiverId: waiver.id,
            expiresAt: waiver.expiresAt,
          },
        });
        return {
          output: {
            id: waiver.id,
            entityRef: waiver.entityRef,
            programId: waiver.programId,
            itemId: waiver.itemId,
            state: waiver.state,
            justification: waiver.justification,
            ...(waiver.compensatingControl
              ? { compensatingControl: waiver.compensatingControl }
              : {}),
            requestedBy: waiver.requestedBy,
            requestedAt: waiver.requestedAt,
            expiresAt: waiver.expiresAt,
            link: entityCheckPath(waiver.entityRef, waiver.itemId),
          },
        };
      } catch (error) {
        await event.fail({
          error: error instanceof Error ? error : new Error(String(error)),
        });
        throw error;
      }
    },
  });
}
