import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { createOpenApiRouter } from '../schema/openapi';
import type { PlaybookLibrary } from '../playbooks/PlaybookLibrary';

export interface PlaybooksRouterOptions {
  httpAuth: HttpAuthService;
  playbooks: PlaybookLibrary;
}

/**
 * `GET /playbooks` and `GET /playbooks/{playbookId}`: the playbooks shipped
 * with the suite, for the frontend's playbook view. Any signed-in user or
 * service may read them (they are the same documentation for everyone).
 * Errors are answered by the backend's root error handler.
 */
export async function createPlaybooksRouter(options: PlaybooksRouterOptions) {
  const { httpAuth, playbooks } = options;
  const router = await createOpenApiRouter();

  router.get('/playbooks', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await playbooks.list() });
  });

  router.get('/playbooks/:playbookId', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await playbooks.get(req.params.playbookId));
  });

  return router;
}
