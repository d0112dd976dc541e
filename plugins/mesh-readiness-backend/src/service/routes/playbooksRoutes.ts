import type { ApiRouter, RouteContext } from './routeContext';

/**
 * `GET /playbooks` and `GET /playbooks/{playbookId}`: the playbooks shipped
 * with the suite, for the frontend's playbook view. Any signed-in user or
 * service may read them (they are the same documentation for everyone).
 */
export function playbooksRoutes(router: ApiRouter, ctx: RouteContext) {
  const { httpAuth, playbooks } = ctx;

  router.get('/playbooks', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await playbooks.list() });
  });

  router.get('/playbooks/:playbookId', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await playbooks.get(req.params.playbookId));
  });
}
