import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  component,
  serviceManifests,
  writeTree,
} from '../__testUtils__/fixtures';
import {
  DEFAULT_MANIFEST_READ_LIMITS,
  ManifestReadLimits,
  readManifestLimits,
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

/** A provider whose only file root is `root` (tests live in temp folders). */
function localProvider(root: string, limits: Partial<ManifestReadLimits> = {}) {
  return new RepositoryManifestsProvider(urlReader(), {
    ...DEFAULT_MANIFEST_READ_LIMITS,
    fileRoots: [root],
    ...limits,
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
      const provider = localProvider(repo);
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
      const provider = localProvider(repo);
      const entity = withAnnotations(
        component('svc', { owner: 'team-a', repoDir: repo }),
        {
          'backstage.io/source-location': `file:${repo}`,
          'mesh-readiness.io/manifests':
            'deploy/**/*.{yaml,yml}, mesh/policy.yaml',
        },
      );
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
      const provider = localProvider(repo, {
        maxFiles: 2,
        maxFileBytes: 1024,
        maxTotalBytes: 4096,
      });
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
        reason: expect.stringMatching(/k8s\/nope\.yaml: no such file/),
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

  describe('the sample portal', () => {
    it("reads the sample organisation's manifests with the sample portal's file roots", async () => {
      const examples = path.resolve(__dirname, '../../../../examples');
      const provider = localProvider(examples);
      const entity = withAnnotations(
        component('checkout-service', { owner: 'team-a' }),
        {
          'backstage.io/managed-by-location': `file:${examples}/services/checkout-service/catalog-info.yaml`,
          'backstage.io/source-location': 'dir:.',
          'mesh-readiness.io/manifests': 'k8s/*.yaml',
        },
      );
      const result = await provider.collect(entity, options);
      expect(result.status === 'ok' && result.facts.manifests!.length).toBe(
        fs.readdirSync(`${examples}/services/checkout-service/k8s`).length,
      );
    });

    it('defaults the file roots to the Backstage app folder (the one holding backstage.json)', () => {
      const limits = readManifestLimits(new ConfigReader({}));
      expect(limits.fileRoots).toHaveLength(1);
      expect(
        fs.existsSync(path.join(limits.fileRoots[0], 'backstage.json')),
      ).toBe(true);
      const configured = readManifestLimits(
        new ConfigReader({
          meshReadiness: { manifests: { fileRoots: ['../examples'] } },
        }),
      );
      expect(configured.fileRoots).toEqual([path.resolve('../examples')]);
    });
  });

  describe('security', () => {
    /** A repository folder and a folder outside it holding a secret. */
    function repoAndOutside(files: Record<string, string | Buffer> = {}) {
      const repo = writeTree({ 'k8s/service.yaml': 'kind: Service\n' });
      for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
        fs.writeFileSync(path.join(repo, rel), content);
      }
      const outside = writeTree({ 'secret.yaml': 'password: SECRET-VALUE\n' });
      return { repo, outside };
    }

    function localEntity(repo: string, annotations: Record<string, string>) {
      return withAnnotations(
        component('svc', { owner: 'team-a', repoDir: repo }),
        annotations,
      );
    }

    /** The reason of a refused collect, checked to quote nothing of the secret. */
    async function refusalReason(
      provider: RepositoryManifestsProvider,
      entity: Entity,
      collectOptions: { signal?: AbortSignal } = {},
    ): Promise<string> {
      const result = await provider.collect(entity, {
        ...options,
        ...collectOptions,
      });
      expect(result.status).toBe('failed');
      const reason = result.status === 'failed' ? result.reason : '';
      expect(reason).not.toContain('SECRET');
      return reason;
    }

    it('security: a file: location outside the configured roots is refused', async () => {
      const { repo, outside } = repoAndOutside();
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, {
            'mesh-readiness.io/manifests': `file:${outside}/secret.yaml`,
          }),
        ),
      ).toMatch(
        /is outside the folders manifests may be read from \(meshReadiness\.manifests\.fileRoots\)/,
      );
    });

    it('security: a file: source location outside the roots (file:/) is refused', async () => {
      const { repo } = repoAndOutside();
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, {
            'backstage.io/source-location': 'file:/',
            'mesh-readiness.io/manifests': 'etc/hostname',
          }),
        ),
      ).toMatch(
        /the source location is outside the folders manifests may be read from/,
      );
    });

    it("security: a dir: source location above the entity's folder (dir:../../..) is refused", async () => {
      const root = writeTree({
        'k8s/service.yaml': 'kind: Service\n',
        'org/team/svc/catalog-info.yaml': 'kind: Component\n',
      });
      expect(
        await refusalReason(
          localProvider(root),
          localEntity(path.join(root, 'org/team/svc'), {
            'backstage.io/source-location': 'dir:../../..',
            'mesh-readiness.io/manifests': 'k8s/service.yaml',
          }),
        ),
      ).toMatch(/dir:\.\.\/\.\.\/\.\. leaves the folder of the entity's file/);
    });

    it('security: an entity read from a URL cannot name local files, even inside a root', async () => {
      const { repo } = repoAndOutside();
      expect(
        await refusalReason(
          localProvider(repo),
          withAnnotations(component('svc', { owner: 'team-a' }), {
            'backstage.io/managed-by-location': `url:https://${HOST}/org/svc/catalog-info.yaml`,
            'mesh-readiness.io/manifests': `file:${repo}/k8s/service.yaml`,
          }),
        ),
      ).toMatch(/read only for entities of local catalog files/);
      expect(
        await refusalReason(
          localProvider(repo),
          withAnnotations(component('svc', { owner: 'team-a' }), {
            'backstage.io/managed-by-location': `url:https://${HOST}/org/svc/catalog-info.yaml`,
            'backstage.io/source-location': `file:${repo}`,
            'mesh-readiness.io/manifests': 'k8s/service.yaml',
          }),
        ),
      ).toMatch(/the source location is on the local disk/);
    });

    it('security: a symbolic link out of the source location is refused', async () => {
      const { repo, outside } = repoAndOutside();
      fs.symlinkSync(
        path.join(outside, 'secret.yaml'),
        path.join(repo, 'k8s/leak.yaml'),
      );
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, { 'mesh-readiness.io/manifests': 'k8s/leak.yaml' }),
        ),
      ).toMatch(
        /k8s\/leak\.yaml is a symbolic link that leads outside the source location/,
      );
    });

    it('security: a FIFO is refused at once instead of blocking the read', async () => {
      const { repo } = repoAndOutside();
      execFileSync('mkfifo', [path.join(repo, 'k8s/pipe.yaml')]);
      const started = Date.now();
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, { 'mesh-readiness.io/manifests': 'k8s/pipe.yaml' }),
        ),
      ).toMatch(/k8s\/pipe\.yaml is a FIFO; only regular files are read/);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('security: a device (/dev/zero) is refused before a byte is read, even under a configured root', async () => {
      const { repo } = repoAndOutside();
      const started = Date.now();
      expect(
        await refusalReason(
          localProvider(repo, { fileRoots: [repo, '/dev'] }),
          localEntity(repo, {
            'mesh-readiness.io/manifests': 'file:/dev/zero',
          }),
        ),
      ).toMatch(/zero is a device; only regular files are read/);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('security: a glob is bounded by the entries it visits, not only by the files it keeps', async () => {
      const files: Record<string, string> = {
        'k8s/service.yaml': 'kind: Service\n',
      };
      for (let folder = 0; folder < 30; folder++) {
        for (let file = 0; file < 40; file++) {
          files[`deep/d${folder}/sub/f${file}.txt`] = 'x';
        }
      }
      const repo = writeTree(files);
      const provider = localProvider(repo, { maxVisitedEntries: 500 });
      expect(
        await refusalReason(
          provider,
          localEntity(repo, { 'mesh-readiness.io/manifests': '**/*.yaml' }),
        ),
      ).toMatch(
        /\*\*\/\*\.yaml looks at more than 500 files and folders; name a narrower folder/,
      );
      // A glob without `**` lists only the folders it can match.
      const narrow = await provider.collect(
        localEntity(repo, { 'mesh-readiness.io/manifests': 'k8s/*.yaml' }),
        options,
      );
      expect(narrow.status).toBe('ok');
    });

    it('security: the abort signal stops reading local files', async () => {
      const { repo } = repoAndOutside();
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, { 'mesh-readiness.io/manifests': 'k8s/*.yaml' }),
          { signal: AbortSignal.abort() },
        ),
      ).toMatch(/reading the manifests was cancelled/);
    });

    it('security: a read that takes longer than readTimeoutSeconds fails with the reason', async () => {
      server.use(
        rest.get(`https://${HOST}/slow/service.yaml`, (_req, res, ctx) =>
          res(ctx.delay(5000), ctx.text('kind: Service')),
        ),
      );
      const started = Date.now();
      expect(
        await refusalReason(
          new RepositoryManifestsProvider(urlReader(), {
            ...DEFAULT_MANIFEST_READ_LIMITS,
            readTimeoutMs: 200,
          }),
          withAnnotations(component('svc', { owner: 'team-a' }), {
            'mesh-readiness.io/manifests': `https://${HOST}/slow/service.yaml`,
          }),
        ),
      ).toMatch(/reading the manifests took longer than allowed/);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('security: a relative entry cannot climb out of a URL source location', async () => {
      const requested: string[] = [];
      server.use(
        rest.get(`https://${HOST}/org/:repo/:file`, (req, res, ctx) => {
          requested.push(req.url.pathname);
          return res(ctx.text('password: SECRET-VALUE'));
        }),
      );
      expect(
        await refusalReason(
          new RepositoryManifestsProvider(
            urlReader(),
            DEFAULT_MANIFEST_READ_LIMITS,
          ),
          withAnnotations(component('svc', { owner: 'team-a' }), {
            'backstage.io/source-location': `url:https://${HOST}/org/svc/`,
            'mesh-readiness.io/manifests': '../other/secret.yaml',
          }),
        ),
      ).toMatch(/\.\.\/other\/secret\.yaml leaves the source location/);
      expect(requested).toEqual([]);
    });

    it('security: invalid UTF-8 is refused with the byte offset', async () => {
      const { repo } = repoAndOutside({
        'k8s/binary.yaml': Buffer.concat([
          Buffer.from('kind: Service\n'),
          Buffer.from([0xc3, 0x28]),
        ]),
      });
      expect(
        await refusalReason(
          localProvider(repo),
          localEntity(repo, {
            'mesh-readiness.io/manifests': 'k8s/binary.yaml',
          }),
        ),
      ).toMatch(
        /k8s\/binary\.yaml is not valid UTF-8 \(first invalid byte at offset 14\)/,
      );
    });

    it('security: failure reasons name no absolute path of the machine', async () => {
      const { repo } = repoAndOutside();
      const reason = await refusalReason(
        localProvider(repo),
        localEntity(repo, {
          'mesh-readiness.io/manifests': 'k8s/missing.yaml',
        }),
      );
      expect(reason).toMatch(/k8s\/missing\.yaml: no such file/);
      expect(reason).not.toContain(repo);
      expect(reason).not.toContain(os.tmpdir());
    });
  });
});
