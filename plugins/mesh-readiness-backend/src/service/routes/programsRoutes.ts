import { NotFoundError } from '@backstage/errors';
import { meshReadinessProgramAdminPermission } from '@mesh-readiness/plugin-mesh-readiness-common';
import { toApiProgramStatus } from './apiShapes';
import type { ApiRouter, RouteContext } from './routeContext';

/** The programs in force, their load status, and reloading them now. */
export function programsRoutes(router: ApiRouter, ctx: RouteContext) {
  const { programs } = ctx;

  router.get('/programs', async (req, res) => {
    await ctx.canRead(req);
    res.json({ items: programs.list().map(toApiProgramStatus) });
  });

  router.get('/programs/:id', async (req, res) => {
    await ctx.canRead(req);
    const status = programs.list().find(p => p.id === req.params.id);
    if (!status) {
      throw new NotFoundError(`no program "${req.params.id}" is configured`);
    }
    res.json(toApiProgramStatus(status));
  });

  router.post('/programs/reload', async (req, res) => {
    const items = await ctx.audited(req, 'program-reload', {}, async event => {
      const credentials = await ctx.httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await ctx.authorize(credentials, meshReadinessProgramAdminPermission);
      const reloaded = await programs.reload();
      await event.success({
        meta: {
          invalid: reloaded
            .filter(p => p.status !== 'valid')
            .map(p => p.location),
        },
      });
      return reloaded;
    });
    res.json({ items: items.map(toApiProgramStatus) });
  });
}
