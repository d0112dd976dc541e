import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  component,
  serviceManifests,
  writeTree,
} from '../__testUtils__/fixtures';
import {
  DEFAULT_MANIFEST_READ_LIMITS,
  RepositoryManifestsProvider,
} from './RepositoryManifestsProvider';

const HOST = 'manifests.example.com';
const options = { entityRef: 'component:default/svc', program: {} as Program };

function urlReader() {
  return UrlReaders.default({
    config: new ConfigReader({
      backend: { reading: { allow: [{ host: HOST }] } },
    }),
    logger: mockServices.logger.mock(),
  });
}

function withAnnotations(
  entity: Entity,
  annotations: Record<string, string>,
): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...entity.metadata.annotations, ...annotations },
    },
  };
}

describe('RepositoryManifestsProvider', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  describe('local files (file: locations, as in the sample organisation)', () => {
    it('reads a glob relative to the source location, sorted, with repository paths', async () => {
      const repo = writeTree({
        ...serviceManifests('svc'),
        'k8s/extra/ignored.txt': 'not yaml',
        'docs/readme.md': '# svc',
      });
      const provider = new RepositoryManifestsProvider(
        urlReader(),
        DEFAULT_MANIFEST_READ_LIMITS,
      );
      const result = await provider.collect(
        component('svc', {
          owner: 'team-a',
          repoDir: repo,
          manifests: 'k8s/*.yaml',
        }),
        options,
      );
      expect(result.status).toBe('ok');
      if (result.status !== 'ok') return;
      expect(result.facts.manifests!.map(f => f.path)).toEqual([
        'k8s/deployment.yaml',
        'k8s/service.yaml',
      ]);
      expect(result.facts.manifests![0].content).toContain('kind: Deployment');
    });

    it('accepts a comma-separated list, `**` globs and explicit source locations', async () => {
      const repo = writeTree({
        'deploy/base/deployment.yaml': 'kind: Deployment',
        'deploy/overlays/prod/service.yml': 'kind: Service',
        'mesh/policy.yaml': 'kind: PeerAuthentication',
      });
      const provider = new RepositoryManifestsProvider(
        urlReader(),
        DEFAULT_MANIFEST_READ_LIMITS,
      );
      const entity = withAnnotations(component('svc', { owner: 'team-a' }), {
        'backstage.io/source-location': `file:${repo}`,
        'mesh-readiness.io/manifests':
          'deploy/**/*.{yaml,yml}, mesh/policy.yaml',
      });
      const result = await provider.collect(entity, options);
      expect(
        result.status === 'ok' && result.facts.manifests!.map(f => f.path),
      ).toEqual([
        'deploy/base/deployment.yaml',
        'deploy/overlays/prod/service.yml',
        'mesh/policy.yaml',
      ]);
    });

    it('fails with a reason (never throws) on missing files, escapes and limits', async () => {
      const repo = writeTree({
        'k8s/a.yaml': 'a: 1',
        'k8s/b.yaml': 'b: 2',
        'k8s/c.yaml': 'c: 3',
        'big/huge.yaml': 'x'.repeat(2048),
      });
      const limits = { maxFiles: 2, maxFileBytes: 1024, maxTotalBytes: 4096 };
      const provider = new RepositoryManifestsProvider(urlReader(), limits);
      const collect = (manifests?: string) =>
        provider.collect(
          component('svc', { owner: 'team-a', repoDir: repo, manifests }),
          options,
        );

      expect(await collect(undefined)).toEqual({
        status: 'failed',
        reason: expect.stringMatching(
          /no mesh-readiness.io\/manifests annotation/,
        ),
      });
      expect(await collect('missing/*.yaml')).toEqual({
        status: 'failed',
        reason: expect.stringMatching(/no manifest file matches/),
      });
      expect(await collect('k8s/*.yaml')).toEqual({
        status: 'failed',
        reason: expect.stringMatching(/matches 3 files, over the limit of 2/),
      });
      expect(await collect('big/huge.yaml')).toEqual({
        status: 'failed',
        reason: expect.stringMatching(
          /2048 bytes, over the limit of 1024 bytes per file/,
        ),
      });
      expect(await collect('../outside.yaml')).toEqual({
        status: 'failed',
        reason: expect.stringMatching(/leaves the source location/),
      });
      expect(await collect('k8s/nope.yaml')).toEqual({
        status: 'failed',
        reason: expect.stringMatching(/ENOENT/),
      });
    });
  });

  describe('URLs through the UrlReaderService', () => {
    it('reads URLs and revalidates them with their ETag', async () => {
      const hits: Array<{
        url: string;
        ifNoneMatch: string | null;
        status: number;
      }> = [];
      server.use(
        rest.get(`https://${HOST}/repo/k8s/:file`, (req, res, ctx) => {
          const etag = `"${req.params.file}-v1"`;
          const ifNoneMatch = req.headers.get('if-none-match');
          const status = ifNoneMatch === etag ? 304 : 200;
          hits.push({ url: req.url.pathname, ifNoneMatch, status });
          if (status === 304)
            return res(ctx.status(304), ctx.set('ETag', etag));
          return res(
            ctx.set('ETag', etag),
            ctx.text(`kind: Service # ${req.params.file}`),
          );
        }),
      );
      const provider = new RepositoryManifestsProvider(
        urlReader(),
        DEFAULT_MANIFEST_READ_LIMITS,
      );
      const entity = withAnnotations(component('svc', { owner: 'team-a' }), {
        'backstage.io/source-location': `url:https://${HOST}/repo/`,
        'mesh-readiness.io/manifests': 'k8s/service.yaml, k8s/deployment.yaml',
      });

      const first = await provider.collect(entity, options);
      const second = await provider.collect(entity, options);
      expect(first).toEqual(second);
      expect(first.status === 'ok' && first.facts.manifests).toEqual([
        {
          path: 'k8s/deployment.yaml',
          url: `https://${HOST}/repo/k8s/deployment.yaml`,
          content: 'kind: Service # deployment.yaml',
        },
        {
          path: 'k8s/service.yaml',
          url: `https://${HOST}/repo/k8s/service.yaml`,
          content: 'kind: Service # service.yaml',
        },
      ]);
      expect(hits.map(h => h.status)).toEqual([200, 200, 304, 304]);
      expect(hits[2].ifNoneMatch).toBe('"service.yaml-v1"');
    });

    it('reports a failing host as a failed source with the reason', async () => {
      server.use(
        rest.get(`https://${HOST}/down/:file`, (_req, res, ctx) =>
          res(ctx.status(503), ctx.text('unavailable')),
        ),
      );
      const provider = new RepositoryManifestsProvider(
        urlReader(),
        DEFAULT_MANIFEST_READ_LIMITS,
      );
      const entity = withAnnotations(component('svc', { owner: 'team-a' }), {
        'mesh-readiness.io/manifests': `https://${HOST}/down/service.yaml`,
      });
      const result = await provider.collect(entity, options);
      expect(result.status).toBe('failed');
      expect(result.status === 'failed' && result.reason).toMatch(/503/);
    });

    it('resolves `dir:` source locations against the entity file URL', async () => {
      server.use(
        rest.get(`https://${HOST}/org/svc/k8s/service.yaml`, (_req, res, ctx) =>
          res(ctx.text('kind: Service')),
        ),
      );
      const provider = new RepositoryManifestsProvider(
        urlReader(),
        DEFAULT_MANIFEST_READ_LIMITS,
      );
      const entity = withAnnotations(component('svc', { owner: 'team-a' }), {
        'backstage.io/managed-by-location': `url:https://${HOST}/org/svc/catalog-info.yaml`,
        'backstage.io/source-location': 'dir:.',
        'mesh-readiness.io/manifests': 'k8s/service.yaml',
      });
      const result = await provider.collect(entity, options);
      expect(result.status === 'ok' && result.facts.manifests![0].path).toBe(
        'k8s/service.yaml',
      );
    });
  });
});
