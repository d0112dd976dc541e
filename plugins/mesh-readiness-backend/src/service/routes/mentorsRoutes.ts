import { InputError, NotFoundError } from '@backstage/errors';
import { meshReadinessScorecardReadPermission } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  entityRefOfField,
  entityRefOfPath,
  optionalEntityRefOfField,
} from '../requestRefs';
import { toApiMentorNote } from './apiShapes';
import type { ApiRouter, RouteContext } from './routeContext';

/** Mentors, the teams they mentor, and their notes on groups. */
export function mentorsRoutes(router: ApiRouter, ctx: RouteContext) {
  const { queries, workflows } = ctx;

  router.get('/mentors', async (req, res) => {
    await ctx.canRead(req);
    res.json({ items: await queries.mentors() });
  });

  router.get('/mentors/:userRef/teams', async (req, res) => {
    const credentials = await ctx.canRead(req);
    let ref = req.params.userRef;
    if (ref === 'me') {
      if (!ctx.auth.isPrincipal(credentials, 'user')) {
        throw new InputError('userRef: "me" needs a user identity');
      }
      ref = credentials.principal.userEntityRef;
    }
    const userRef = entityRefOfField(ref, 'userRef', {
      defaultKind: 'user',
      kinds: ['user'],
    });
    res.json(await queries.mentorTeams(userRef, req.query.programId));
  });

  router.get('/groups/:namespace/:name/notes', async (req, res) => {
    await ctx.canRead(req);
    const groupRef = entityRefOfPath({ kind: 'group', ...req.params });
    const items = await queries.mentorNotes(groupRef);
    if (!items) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    res.json({ items: items.map(toApiMentorNote) });
  });

  router.post('/groups/:namespace/:name/notes', async (req, res) => {
    const groupRef = entityRefOfPath({ kind: 'group', ...req.params });
    const note = await ctx.audited(
      req,
      'mentor-note-create',
      { groupRef },
      async event => {
        const { credentials, userEntityRef } = await ctx.userRef(req);
        const aboutEntityRef = optionalEntityRefOfField(
          req.body.entityRef,
          'entityRef',
        );
        await ctx.authorize(credentials, meshReadinessScorecardReadPermission);
        // Only the group's mentors may write (ReadinessWorkflows' rule).
        const created = await workflows.addMentorNote(
          groupRef,
          userEntityRef,
          req.body.body,
          aboutEntityRef,
        );
        await event.success({ meta: { noteId: created.id } });
        return created;
      },
    );
    res.status(201).json(toApiMentorNote(note));
  });
}
