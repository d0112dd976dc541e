import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { meshReadinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { sampleOrganisation } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

const alice = 'user:default/alice';
const REFRESH =
  '/api/mesh-readiness/scorecards/component/default/svc-a/refresh';

/** The sample organisation with alice a member of team-a (svc-a's owner). */
function organisationWithMembers() {
  const organisation = sampleOrganisation();
  const entities: Entity[] = organisation.entities.map(entity => {
    if (entity.kind === 'Group' && entity.metadata.name === 'team-a') {
      return {
        ...entity,
        relations: [
          ...(entity.relations ?? []),
          { type: 'hasMember', targetRef: alice },
        ],
      };
    }
    if (entity.kind === 'User' && entity.metadata.name === 'alice') {
      return {
        ...entity,
        spec: { memberOf: ['team-a'] },
        relations: [{ type: 'memberOf', targetRef: 'group:default/team-a' }],
      };
    }
    return entity;
  });
  return { ...organisation, entities };
}

/** svc-a's Service gains a second port without name or appProtocol. */
function breakPortProtocol(repoDir: string): () => void {
  const file = path.join(repoDir, 'k8s', 'service.yaml');
  const original = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(
    file,
    original.replace(
      '      appProtocol: http\n',
      '      appProtocol: http\n    - port: 9090\n      targetPort: 8080\n',
    ),
  );
  return () => fs.writeFileSync(file, original);
}

async function notificationsOf(backend: TestBackend, user: string) {
  const res = await request(backend.server)
    .get('/api/notifications/notifications')
    .set('Authorization', mockCredentials.user.header(user));
  expect(res.status).toBe(200);
  return res.body as {
    totalCount: number;
    notifications: Array<{
      user: string;
      origin: string;
      payload: {
        title: string;
        description?: string;
        link?: string;
        topic?: string;
        scope?: string;
        severity?: string;
      };
    }>;
  };
}

describe('notifications through the notifications backend', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start(notifications?: JsonObject) {
      // One database per plugin, as a backend gives them.
      const knexes = new Map([
        ['mesh-readiness', await databases.init(databaseId)],
        ['notifications', await databases.init(databaseId)],
      ]);
      const organisation = organisationWithMembers();
      const backend = await startTestBackend({
        features: [
          meshReadinessPlugin,
          notificationsPlugin,
          catalogServiceMock.factory({ entities: organisation.entities }),
          createServiceFactory({
            service: coreServices.database,
            deps: { plugin: coreServices.pluginMetadata },
            factory: ({ plugin }) => {
              const knex = knexes.get(plugin.getId());
              if (!knex) throw new Error(`no database for ${plugin.getId()}`);
              return { getClient: async () => knex };
            },
          }),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              meshReadiness: {
                programs: [{ location: organisation.programFile }],
                evaluation: { enabled: false },
                manifests: { fileRoots: [os.tmpdir()] },
                ...(notifications ? { notifications } : {}),
              },
            },
          }),
        ],
      });
      return { backend, organisation };
    }

    async function refresh(backend: TestBackend) {
      const res = await request(backend.server)
        .post(REFRESH)
        .set('Authorization', mockCredentials.user.header(alice));
      expect(res.status).toBe(200);
      return res.body.scorecard as {
        phase: string;
        checks: Array<{ checkId: string; status: string }>;
      };
    }

    const statusOf = (
      scorecard: Awaited<ReturnType<typeof refresh>>,
      checkId: string,
    ) => scorecard.checks.find(c => c.checkId === checkId)?.status;

    it('tells the owning group of a regression once, with the check and its evidence', async () => {
      const { backend, organisation } = await start();
      const restore = breakPortProtocol(organisation.repoA);
      restore();
      try {
        // A first evaluation is never a regression.
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'pass',
        );
        expect((await notificationsOf(backend, alice)).totalCount).toBe(0);

        breakPortProtocol(organisation.repoA);
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'fail',
        );
        // Evaluated again without a change: nothing new.
        await refresh(backend);

        const { totalCount, notifications } = await notificationsOf(
          backend,
          alice,
        );
        expect(totalCount).toBe(1);
        const [notification] = notifications;
        expect(notification.user).toBe(alice);
        expect(notification.origin).toBe('plugin:mesh-readiness');
        expect(notification.payload).toMatchObject({
          topic: 'mesh-readiness:regression',
          scope:
            'mesh-readiness:regression:istio-adoption:component:default/svc-a:k8s.svc.protocol',
          link: '/catalog/default/component/svc-a/mesh-readiness?check=k8s.svc.protocol',
          severity: 'high',
          title: 'svc-a now fails "Service ports declare their protocol"',
        });
        expect(notification.payload.description).toContain(
          'k8s.svc.protocol passed before',
        );
        // The evidence: where, then what.
        expect(notification.payload.description).toMatch(
          /Evidence: k8s\/service\.yaml:\d+ Service shop\/svc-a: /,
        );

        // Fixed, then broken again: another event, the same notification
        // (its scope), brought back as new.
        restore();
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'pass',
        );
        breakPortProtocol(organisation.repoA);
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'fail',
        );
        expect((await notificationsOf(backend, alice)).totalCount).toBe(1);

        // Nobody outside the owning group is told.
        expect(
          (await notificationsOf(backend, 'user:default/mentor')).totalCount,
        ).toBe(0);
      } finally {
        restore();
        await backend.stop();
      }
    });

    it('sends no regression notification when they are switched off', async () => {
      const { backend, organisation } = await start({
        regressions: { enabled: false },
      });
      const restore = breakPortProtocol(organisation.repoA);
      restore();
      try {
        await refresh(backend);
        breakPortProtocol(organisation.repoA);
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'fail',
        );
        expect((await notificationsOf(backend, alice)).totalCount).toBe(0);
      } finally {
        restore();
        await backend.stop();
      }
    });
  });
});
