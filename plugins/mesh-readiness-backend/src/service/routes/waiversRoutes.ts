import {
  meshReadinessWaiverApprovePermission,
  meshReadinessWaiverRequestPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { WaiverDecision } from '../ReadinessWorkflows';
import { optionalEntityRefOfField } from '../requestRefs';
import type { ApiRouter, AnyRequest, RouteContext } from './routeContext';

/** Waivers: list, request, and the decisions on them. */
export function waiversRoutes(router: ApiRouter, ctx: RouteContext) {
  const { workflows } = ctx;

  router.get('/waivers', async (req, res) => {
    await ctx.canRead(req);
    const items = await workflows.listWaivers({
      entityRef: optionalEntityRefOfField(req.query.entityRef, 'entityRef'),
      programId: req.query.programId,
      state: req.query.state,
    });
    res.json({ items });
  });

  router.post('/waivers', async (req, res) => {
    const body = req.body;
    const waiver = await ctx.audited(
      req,
      'waiver-request',
      {
        entityRef: body.entityRef,
        programId: body.programId,
        itemId: body.itemId,
      },
      async event => {
        const { credentials, userEntityRef } = await ctx.userRef(req);
        const created = await workflows.requestWaiver(body, {
          userEntityRef,
          authorizeRequest: entityRef =>
            ctx.authorizeOn(
              credentials,
              meshReadinessWaiverRequestPermission,
              entityRef,
            ),
        });
        await event.success({
          meta: { waiverId: created.id, expiresAt: created.expiresAt },
        });
        return created;
      },
    );
    res.status(201).json(waiver);
  });

  /** One decision; who may take it is ReadinessWorkflows' rule. */
  function decide(
    req: AnyRequest,
    decision: WaiverDecision,
    id: string,
    comment: string | undefined,
  ) {
    return ctx.audited(
      req,
      `waiver-${decision}`,
      { waiverId: id },
      async event => {
        const { credentials, userEntityRef } = await ctx.userRef(req);
        const decided = await workflows.decideWaiver(
          id,
          decision,
          {
            userEntityRef,
            authorizeDecision: entityRef =>
              ctx.authorizeOn(
                credentials,
                meshReadinessWaiverApprovePermission,
                entityRef,
              ),
            ownershipEntityRefs: () => ctx.ownershipEntityRefs(credentials),
          },
          comment,
        );
        await event.success({
          meta: {
            entityRef: decided.entityRef,
            itemId: decided.itemId,
            state: decided.state,
          },
        });
        return decided;
      },
    );
  }

  router.post('/waivers/:id/approve', async (req, res) => {
    res.json(await decide(req, 'approve', req.params.id, req.body?.comment));
  });

  router.post('/waivers/:id/reject', async (req, res) => {
    res.json(await decide(req, 'reject', req.params.id, req.body?.comment));
  });

  router.post('/waivers/:id/revoke', async (req, res) => {
    res.json(await decide(req, 'revoke', req.params.id, req.body?.comment));
  });
}
