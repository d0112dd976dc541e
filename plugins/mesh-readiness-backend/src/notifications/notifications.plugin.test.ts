import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
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
import {
  DefaultNotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { meshReadinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { sampleOrganisation, user } from '../__testUtils__/fixtures';
import { userInfoWithMemberships } from '../__testUtils__/startRouterTestBackend';
import { NotificationLedger } from './NotificationLedger';

jest.setTimeout(120_000);

const alice = 'user:default/alice';
const pat = 'user:default/pat';
const REFRESH =
  '/api/mesh-readiness/scorecards/component/default/svc-a/refresh';

/**
 * The sample organisation with alice a member of team-a (svc-a's owner)
 * and pat of platform, as the catalog relates them.
 */
function organisationWithMembers() {
  const organisation = sampleOrganisation();
  const entities: Entity[] = [...organisation.entities, user('pat')].map(
    entity => {
      if (entity.kind === 'Group' && entity.metadata.name === 'platform') {
        return {
          ...entity,
          relations: [{ type: 'hasMember', targetRef: pat }],
        };
      }
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
    },
  );
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

/** Alice asks for a 30-day waiver of svc-a's k8s.probes over the REST API. */
function requestWaiverAsAlice(backend: TestBackend, justification: string) {
  return request(backend.server)
    .post('/api/mesh-readiness/waivers')
    .set('Authorization', mockCredentials.user.header(alice))
    .send({
      entityRef: 'component:default/svc-a',
      programId: 'istio-adoption',
      itemId: 'k8s.probes',
      justification,
      expiresAt: new Date(Date.now() + 30 * 86400000).toISOString(),
    });
}

async function notificationsOf(backend: TestBackend, userRef: string) {
  const res = await request(backend.server)
    .get('/api/notifications/notifications')
    .set('Authorization', mockCredentials.user.header(userRef));
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

/**
 * A scheduler that records the tasks and runs none by itself (the
 * notifications backend's cleaner asks it for a task runner).
 */
function schedulerRecordingTasks() {
  return mockServices.scheduler.mock({
    createScheduledTaskRunner: () => ({ run: async () => {} }),
  });
}

/**
 * The plugins' notification service, sending to the notifications backend
 * as the default one does, except that its first `failures` sends fail as
 * when that backend is unreachable.
 */
function notificationServiceFailingFirst(failures: number) {
  let left = failures;
  return createServiceFactory({
    service: notificationService,
    deps: { auth: coreServices.auth, discovery: coreServices.discovery },
    factory: ({ auth, discovery }) => {
      const backend = DefaultNotificationService.create({ auth, discovery });
      return {
        send: async options => {
          if (left > 0) {
            left -= 1;
            throw new Error(
              'Failed to send notifications: TypeError: fetch failed',
            );
          }
          await backend.send(options);
        },
      };
    },
  });
}

/** The user's notifications once there are `count` (sent in the background; 15 s at most). */
async function waitForNotifications(
  backend: TestBackend,
  userRef: string,
  count: number,
) {
  for (let attempt = 0; ; attempt++) {
    const result = await notificationsOf(backend, userRef);
    if (result.totalCount >= count || attempt >= 150) return result;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('notifications through the notifications backend', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start(
      notifications?: JsonObject,
      meshReadiness: JsonObject = {},
      features: BackendFeature[] = [],
    ) {
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
          actionsRegistryServiceFactory,
          actionsServiceFactory,
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
              // The plugin's MCP actions, as the sample portal lists them.
              backend: { actions: { pluginSources: ['mesh-readiness'] } },
              meshReadiness: {
                programs: [{ location: organisation.programFile }],
                evaluation: { enabled: false },
                manifests: { fileRoots: [os.tmpdir()] },
                ...(notifications ? { notifications } : {}),
                ...meshReadiness,
              },
            },
          }),
          // The groups the sign-in resolver would put in the users' tokens.
          userInfoWithMemberships({
            [alice]: ['group:default/team-a'],
            [pat]: ['group:default/platform'],
          }),
          ...features,
        ],
      });
      return { backend, organisation, db: knexes.get('mesh-readiness')! };
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

    it('tells the approver group of a waiver request and the requester of the decision, from the REST API', async () => {
      const { backend } = await start(undefined, {
        waivers: { approverGroup: 'group:default/platform' },
      });
      try {
        const requested = await requestWaiverAsAlice(
          backend,
          'Probes land with\nthe next release',
        );
        expect(requested.status).toBe(201);
        const id: string = requested.body.id;

        const toPat = await waitForNotifications(backend, pat, 1);
        expect(toPat.notifications[0].payload).toMatchObject({
          title: 'Waiver requested for svc-a: k8s.probes',
          topic: 'mesh-readiness:waiver',
          scope: `mesh-readiness:waiver:${id}`,
          link: '/catalog/default/component/svc-a/mesh-readiness?check=k8s.probes',
        });
        expect(toPat.notifications[0].payload.description).toContain(
          'Justification: Probes land with the next release',
        );
        // The requester is not told of their own request.
        expect((await notificationsOf(backend, alice)).totalCount).toBe(0);

        const approved = await request(backend.server)
          .post(`/api/mesh-readiness/waivers/${id}/approve`)
          .set('Authorization', mockCredentials.user.header(pat))
          .send({ comment: 'Until the release' });
        expect(approved.status).toBe(200);
        const toAlice = await waitForNotifications(backend, alice, 1);
        expect(toAlice.notifications[0].payload).toMatchObject({
          title: 'Waiver approved for svc-a: k8s.probes',
          scope: `mesh-readiness:waiver:${id}`,
        });
        expect(toAlice.notifications[0].payload.description).toContain(
          'Comment: Until the release',
        );
      } finally {
        await backend.stop();
      }
    });

    it('tells the approver group of a waiver requested through the MCP action', async () => {
      const { backend } = await start(undefined, {
        waivers: { approverGroup: 'group:default/platform' },
      });
      try {
        const invoked = await request(backend.server)
          .post(
            `/api/mesh-readiness/.backstage/actions/v1/actions/${encodeURIComponent(
              'mesh-readiness:request-waiver',
            )}/invoke`,
          )
          .set('Authorization', mockCredentials.user.header(alice))
          .send({
            entityRef: 'component:default/svc-a',
            programId: 'istio-adoption',
            itemId: 'k8s.resources',
            justification: 'Limits come with the autoscaler',
            expiresAt: new Date(Date.now() + 30 * 86400000).toISOString(),
          });
        expect(invoked.status).toBe(200);
        const toPat = await waitForNotifications(backend, pat, 1);
        expect(toPat.notifications[0].payload).toMatchObject({
          title: 'Waiver requested for svc-a: k8s.resources',
          scope: `mesh-readiness:waiver:${invoked.body.output.id}`,
        });
      } finally {
        await backend.stop();
      }
    });

    it('sends no waiver request notification without an approver group', async () => {
      const { backend } = await start();
      try {
        const requested = await requestWaiverAsAlice(backend, 'Next release');
        expect(requested.status).toBe(201);
        // The decision still reaches the requester (pat decides, as the
        // policy allows everyone here).
        const rejected = await request(backend.server)
          .post(`/api/mesh-readiness/waivers/${requested.body.id}/reject`)
          .set('Authorization', mockCredentials.user.header(pat))
          .send({});
        expect(rejected.status).toBe(200);
        const toAlice = await waitForNotifications(backend, alice, 1);
        expect(toAlice.notifications[0].payload).toMatchObject({
          title: 'Waiver rejected for svc-a: k8s.probes',
          severity: 'high',
        });
        expect((await notificationsOf(backend, pat)).totalCount).toBe(0);
      } finally {
        await backend.stop();
      }
    });

    it("runs the scheduled kinds in a global task: the mentors' weekly digest", async () => {
      const scheduler = schedulerRecordingTasks();
      const { backend } = await start(undefined, {}, [scheduler.factory]);
      try {
        await refresh(backend);
        const task = scheduler.scheduleTask.mock.calls
          .map(([definition]) => definition)
          .find(definition => definition.id === 'mesh-readiness-notifications');
        expect(task).toMatchObject({
          scope: 'global',
          frequency: { hours: 24 },
        });
        await task!.fn(new AbortController().signal);
        // The next run of the week sends nothing new.
        await task!.fn(new AbortController().signal);

        const { totalCount, notifications } = await notificationsOf(
          backend,
          'user:default/mentor',
        );
        expect(totalCount).toBe(1);
        expect(notifications[0].payload).toMatchObject({
          topic: 'mesh-readiness:digest',
          scope: 'mesh-readiness:digest',
          link: '/mesh-readiness/my-teams',
        });
        expect(notifications[0].payload.description).toContain(
          'Team team-a: 1 services',
        );
      } finally {
        await backend.stop();
      }
    });

    it('retries a regression and a waiver request whose sends failed from the retry task, each sent once', async () => {
      const scheduler = schedulerRecordingTasks();
      const { backend, organisation, db } = await start(
        // The task's other kinds off: what it sends here is the retries.
        {
          expiries: { enabled: false },
          waveDeadlines: { enabled: false },
          digest: { enabled: false },
        },
        { waivers: { approverGroup: 'group:default/platform' } },
        [scheduler.factory, notificationServiceFailingFirst(2)],
      );
      const ledger = new NotificationLedger(db);
      const restore = breakPortProtocol(organisation.repoA);
      restore();
      try {
        await refresh(backend);
        breakPortProtocol(organisation.repoA);
        expect(statusOf(await refresh(backend), 'k8s.svc.protocol')).toBe(
          'fail',
        );
        const requested = await requestWaiverAsAlice(
          backend,
          'Probes land with the next release',
        );
        expect(requested.status).toBe(201);
        const waiverKey = `waiver|${requested.body.id}|requested`;
        // The request is notified in the background: wait for its failure.
        for (let i = 0; i < 150; i++) {
          if ((await ledger.statusOf(waiverKey))?.status === 'pending') break;
          await new Promise(resolve => setTimeout(resolve, 100));
        }
        expect(await ledger.statusOf(waiverKey)).toMatchObject({
          status: 'pending',
          attempts: 1,
        });
        expect((await notificationsOf(backend, alice)).totalCount).toBe(0);
        expect((await notificationsOf(backend, pat)).totalCount).toBe(0);

        const task = scheduler.scheduleTask.mock.calls
          .map(([definition]) => definition)
          .find(
            definition =>
              definition.id === 'mesh-readiness-notification-retries',
          );
        expect(task).toMatchObject({
          scope: 'global',
          frequency: { minutes: 10 },
        });
        await task!.fn(new AbortController().signal);
        await task!.fn(new AbortController().signal);

        const toAlice = await notificationsOf(backend, alice);
        expect(toAlice.totalCount).toBe(1);
        expect(toAlice.notifications[0].payload).toMatchObject({
          title: 'svc-a now fails "Service ports declare their protocol"',
          topic: 'mesh-readiness:regression',
          link: '/catalog/default/component/svc-a/mesh-readiness?check=k8s.svc.protocol',
        });
        const toPat = await notificationsOf(backend, pat);
        expect(toPat.totalCount).toBe(1);
        expect(toPat.notifications[0].payload).toMatchObject({
          title: 'Waiver requested for svc-a: k8s.probes',
          scope: `mesh-readiness:waiver:${requested.body.id}`,
        });
        expect(await ledger.statusOf(waiverKey)).toEqual({
          status: 'sent',
          attempts: 2,
        });
      } finally {
        restore();
        await backend.stop();
      }
    });

    it('schedules the retry task alone when regressions alone are on (it prunes the ledger), and no task when every kind is off', async () => {
      const regressionsAlone = schedulerRecordingTasks();
      const first = await start(
        {
          expiries: { enabled: false },
          waveDeadlines: { enabled: false },
          waivers: { enabled: false },
          digest: { enabled: false },
        },
        {},
        [regressionsAlone.factory],
      );
      try {
        const regressionTasks = regressionsAlone.scheduleTask.mock.calls.map(
          ([d]) => d.id,
        );
        expect(regressionTasks).toContain(
          'mesh-readiness-notification-retries',
        );
        expect(regressionTasks).not.toContain('mesh-readiness-notifications');
        // A row notified 401 days ago is past the ledger's retention: the
        // retry task, the only one here, forgets it.
        const yearAgo = new NotificationLedger(
          first.db,
          () => new Date(Date.now() - 401 * 86400000),
        );
        expect(await yearAgo.claim('digest', 'digest|old')).toBe(true);
        const retries = regressionsAlone.scheduleTask.mock.calls
          .map(([definition]) => definition)
          .find(d => d.id === 'mesh-readiness-notification-retries');
        await retries!.fn(new AbortController().signal);
        expect(await yearAgo.has('digest|old')).toBe(false);
      } finally {
        await first.backend.stop();
      }

      const allOff = schedulerRecordingTasks();
      const second = await start({ enabled: false }, {}, [allOff.factory]);
      await second.backend.stop();
      const noTasks = allOff.scheduleTask.mock.calls.map(([d]) => d.id);
      expect(noTasks).not.toContain('mesh-readiness-notifications');
      expect(noTasks).not.toContain('mesh-readiness-notification-retries');
    });
  });
});
