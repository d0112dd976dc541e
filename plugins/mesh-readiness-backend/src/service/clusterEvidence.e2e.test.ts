/*
 * Push mode end to end, as a collector and the portal run it: the recorded
 * state of the sample cluster prod-eu (examples/clusters/prod-eu, objects as
 * `kubectl get -o json` returns them) is read with the collector's own code
 * (`readKubectlDump`, `buildEvidenceBundle`, `postEvidenceBundle` of the
 * node library, which `mesh-readiness collect` runs), posted over HTTP with
 * a service token to a backend running the plugin, and the service's
 * scorecard then judges its cluster checks by it.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Scorecard } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  buildEvidenceBundle,
  postEvidenceBundle,
  readKubectlDump,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { sampleOrganisation } from '../__testUtils__/fixtures';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../__testUtils__/startRouterTestBackend';

jest.setTimeout(120_000);

const RECORDED_PROD_EU = path.resolve(
  __dirname,
  '../../../../examples/clusters/prod-eu',
);
const alice = mockCredentials.user.header('user:default/alice');

/** The sample's cart service, joined to its pods by its kubernetes-id. */
const cartService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart-service',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'cart-service',
      'mesh-readiness.io/mesh': 'istio',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

describe('cluster evidence, push mode, end to end', () => {
  it('collect → bundle → POST → scorecard: the cluster checks are judged by the pushed state', async () => {
    const organisation = sampleOrganisation();
    organisation.entities.push(cartService);
    const { backend } = await startRouterTestBackend({
      organisation,
      // The shipped programs, whose checks read the cluster.
      meshReadiness: { programs: [] },
      permissions: AuthorizeResult.ALLOW,
    });
    try {
      const refresh = () =>
        request(backend.server)
          .post(`${BASE}/scorecards/component/default/cart-service/refresh`)
          .set('Authorization', alice);
      const injectCheck = (body: { scorecard: Scorecard }) =>
        body.scorecard.checks.find(c => c.checkId === 'k8s.inject.present');

      // No cluster read or pushed yet: the cluster checks are not evaluated.
      const before = await refresh();
      expect(before.status).toBe(200);
      expect(injectCheck(before.body)?.status).toBe('not-evaluated');
      expect(before.body.scorecard.notConnected).toContain('cluster');

      // The collector's side.
      const snapshot = await readKubectlDump(RECORDED_PROD_EU, {
        cluster: 'prod-eu',
        observedAt: new Date().toISOString(),
      });
      const bundle = buildEvidenceBundle({
        cluster: 'prod-eu',
        collector: { name: '@mesh-readiness/cli', version: 'e2e' },
        snapshot,
      });
      const { port } = backend.server.address() as AddressInfo;
      const posted = await postEvidenceBundle(
        `http://127.0.0.1:${port}`,
        'prod-eu',
        bundle,
        { token: mockCredentials.service.token() },
      );
      expect(posted.status).toBe(200);

      // The portal's side.
      const listed = await request(backend.server)
        .get(`${BASE}/evidence/clusters`)
        .set('Authorization', alice);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          cluster: 'prod-eu',
          mode: 'push',
          status: 'ok',
          observedAt: bundle.collectedAt,
        }),
      ]);
      const after = await refresh();
      expect(after.status).toBe(200);
      // examples/clusters/README.md: one cart-service pod started before
      // its namespace asked for injection and has no proxy.
      const inject = injectCheck(after.body);
      expect(inject?.status).toBe('fail');
      expect(JSON.stringify(inject?.findings)).toContain(
        'cart-service-9nlr4pjccg-9zsgk',
      );
      expect(after.body.scorecard.notConnected).not.toContain('cluster');
      expect(
        after.body.scorecard.sources.find(
          (s: { source: string }) => s.source === 'cluster',
        ),
      ).toMatchObject({
        status: 'ok',
        origins: [{ name: 'prod-eu', mode: 'push' }],
      });
    } finally {
      await backend.stop();
    }
  });
});
