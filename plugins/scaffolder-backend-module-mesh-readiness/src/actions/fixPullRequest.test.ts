import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createFixPullRequestAction } from './fixPullRequest';
import {
  SHOP_PEER_AUTHENTICATION_PERMISSIVE_FILE as PERMISSIVE_FILE,
  SHOP_PEER_AUTHENTICATION_STRICT as STRICT,
} from '../__testUtils__/shopPeerAuthentication';

type Action = ReturnType<typeof createFixPullRequestAction>;
type Context = Parameters<Action['handler']>[0];

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/shop',
      lifecycle: 'production',
    },
  };
}

/** Runs the action as the Scaffolder does, returning its outputs. */
async function run(
  action: Action,
  workspacePath: string,
  input: Context['input'],
): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  const ctx: Context = {
    input,
    workspacePath,
    logger: mockServices.logger.mock(),
    output: (name, value) => {
      outputs[name as string] = value;
    },
    checkpoint: async ({ fn }) => fn(),
    createTemporaryDirectory: async () =>
      fs.mkdtempSync(path.join(workspacePath, 'tmp-')),
    getInitiatorCredentials: async () => mockCredentials.user(),
    task: { id: 'task-1' },
    templateInfo: {
      entityRef: 'template:default/istio-peerauthentication-strict',
      baseUrl: 'file:///templates/',
    },
    isDryRun: true,
  };
  await action.handler(ctx);
  return outputs;
}

const limits = {
  maxFileBytes: 4096,
  readTimeoutMs: 5000,
  fileRoots: [] as string[],
};

describe('mesh-readiness:fix:prepare over HTTP, through the real UrlReader', () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: string[] = [];
  const files: Record<string, string> = {
    '/repo/k8s/peerauthentication.yaml': PERMISSIVE_FILE,
    '/repo/k8s/huge.yaml': `a: "${'x'.repeat(10_000)}"\n`,
  };
  let urlReader: UrlReaderService;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = files[req.url ?? ''];
      if (body === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    urlReader = UrlReaders.default({
      config: new ConfigReader({
        backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
      }),
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  beforeEach(() => {
    requests.length = 0;
    workspace.setContent({ fragment: { 'peerauthentication.yaml': STRICT } });
  });

  function actionFor(entities: Entity[]) {
    return createFixPullRequestAction({
      urlReader,
      catalog: catalogServiceMock({ entities }),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      limits,
    });
  }

  it('replaces the PERMISSIVE policy of the existing file and outputs the diff', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': `url:${baseUrl}/repo/`,
        'mesh-readiness.io/manifests': 'k8s/*.yaml',
      }),
    ]);
    const out = await run(action, workspace.path, {
      entityRef: 'component:default/shop',
      fragmentPath: 'fragment/peerauthentication.yaml',
    });
    expect(requests).toEqual(['/repo/k8s/peerauthentication.yaml']);
    expect(out).toMatchObject({
      change: 'updated',
      filePath: 'k8s/peerauthentication.yaml',
      sourcePath: 'pull-request',
      provider: 'none',
      repoUrl: '',
      branchName: 'mesh-readiness/istio-peerauthentication-strict-shop',
      title: 'Mesh readiness: PeerAuthentication shop/default for shop',
    });
    expect(out.diff).toBe(
      [
        'diff --git a/k8s/peerauthentication.yaml b/k8s/peerauthentication.yaml',
        '--- a/k8s/peerauthentication.yaml',
        '+++ b/k8s/peerauthentication.yaml',
        '@@ -6,4 +6,4 @@',
        '   namespace: shop',
        ' spec:',
        '   mtls:',
        '-    mode: PERMISSIVE',
        '+    mode: STRICT',
        '',
      ].join('\n'),
    );
    expect(
      fs.readFileSync(
        path.join(workspace.path, 'pull-request/k8s/peerauthentication.yaml'),
        'utf8',
      ),
    ).toBe(PERMISSIVE_FILE.replace('PERMISSIVE', 'STRICT'));
    expect(
      fs.readFileSync(
        path.join(workspace.path, 'mesh-readiness-fix.diff'),
        'utf8',
      ),
    ).toBe(out.diff);
  });

  it('creates the file when the repository has none (404)', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': `url:${baseUrl}/repo/`,
        'mesh-readiness.io/manifests': 'deploy/',
      }),
    ]);
    const out = await run(action, workspace.path, {
      entityRef: 'shop',
      fragmentPath: 'fragment/peerauthentication.yaml',
    });
    expect(requests).toEqual(['/repo/deploy/peerauthentication.yaml']);
    expect(out.change).toBe('created');
    expect(out.diff).toContain(
      '--- /dev/null\n+++ b/deploy/peerauthentication.yaml\n',
    );
    expect(out.diff).toContain('+    mode: STRICT\n');
  });

  it('refuses a file over the size limit before it is all read', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': `url:${baseUrl}/repo/`,
      }),
    ]);
    await expect(
      run(action, workspace.path, {
        entityRef: 'shop',
        fragmentPath: 'fragment/peerauthentication.yaml',
        targetPath: 'k8s/huge.yaml',
      }),
    ).rejects.toThrow(
      /huge.yaml is larger than 4096 bytes, the limit per file/,
    );
  });

  it('refuses a target that leaves the source location, reading nothing', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': `url:${baseUrl}/repo/`,
      }),
    ]);
    for (const targetPath of [
      '../secrets.yaml',
      'k8s/../../x.yaml',
      '/etc/passwd',
      'k8s\\..\\..\\x',
    ]) {
      await expect(
        run(action, workspace.path, {
          entityRef: 'shop',
          fragmentPath: 'fragment/peerauthentication.yaml',
          targetPath,
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    }
    expect(requests).toEqual([]);
  });

  it('refuses a fragment path outside the workspace', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': `url:${baseUrl}/repo/`,
      }),
    ]);
    await expect(
      run(action, workspace.path, {
        entityRef: 'shop',
        fragmentPath: '../../etc/passwd',
      }),
    ).rejects.toThrow(/fragmentPath "..\/..\/etc\/passwd" leaves/);
  });

  it('says which entity is missing from the catalog', async () => {
    const action = actionFor([]);
    await expect(
      run(action, workspace.path, {
        entityRef: 'component:default/nowhere',
        fragmentPath: 'fragment/peerauthentication.yaml',
      }),
    ).rejects.toThrow('component:default/nowhere is not in the catalog');
  });

  it('reads only what the UrlReader allows', async () => {
    const action = actionFor([
      component('shop', {
        'backstage.io/source-location': 'url:http://169.254.169.254/latest/',
      }),
    ]);
    await expect(
      run(action, workspace.path, {
        entityRef: 'shop',
        fragmentPath: 'fragment/peerauthentication.yaml',
      }),
    ).rejects.toThrow(/Reading from '.*169.254.169.254.*' is not allowed/);
  });
});

describe('mesh-readiness:fix:prepare over a local source location', () => {
  const root = createMockDirectory();
  const workspace = createMockDirectory();

  function actionFor(entities: Entity[], fileRoots: string[]) {
    return createFixPullRequestAction({
      // The real reader: local entities never reach it, remote ones would.
      urlReader: UrlReaders.default({
        config: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      }),
      catalog: catalogServiceMock({ entities }),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      limits: { ...limits, fileRoots },
    });
  }

  beforeEach(() => {
    root.setContent({
      services: {
        shop: {
          'catalog-info.yaml': 'kind: Component\n',
          k8s: {
            'namespace.yaml':
              'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
          },
        },
      },
      'outside.yaml': 'secret: 1\n',
    });
    workspace.setContent({ fragment: { 'peerauthentication.yaml': STRICT } });
  });

  const shop = (annotations: Record<string, string> = {}) =>
    component('shop', {
      'backstage.io/managed-by-location': `file:${root.resolve(
        'services/shop/catalog-info.yaml',
      )}`,
      'backstage.io/source-location': 'dir:.',
      'mesh-readiness.io/manifests': 'k8s/*.yaml',
      ...annotations,
    });

  it('adds the fragment as a new file next to the manifests', async () => {
    const out = await run(actionFor([shop()], [root.path]), workspace.path, {
      entityRef: 'shop',
      fragmentPath: 'fragment/peerauthentication.yaml',
    });
    expect(out.change).toBe('created');
    expect(out.filePath).toBe('k8s/peerauthentication.yaml');
    expect(out.diff).toBe(
      `diff --git a/k8s/peerauthentication.yaml b/k8s/peerauthentication.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/k8s/peerauthentication.yaml\n@@ -0,0 +1,8 @@\n${STRICT.replace(
        /^/gm,
        '+',
      ).replace(/\+$/, '')}`,
    );
  });

  it('appends to an existing file that holds other objects', async () => {
    const out = await run(actionFor([shop()], [root.path]), workspace.path, {
      entityRef: 'shop',
      fragmentPath: 'fragment/peerauthentication.yaml',
      targetPath: 'k8s/namespace.yaml',
    });
    expect(out.change).toBe('updated');
    expect(out.diff).toContain(
      '   name: shop\n+---\n+apiVersion: security.istio.io/v1\n',
    );
  });

  it('refuses a symbolic link out of the source location', async () => {
    fs.symlinkSync(
      root.resolve('outside.yaml'),
      root.resolve('services/shop/k8s/link.yaml'),
    );
    await expect(
      run(actionFor([shop()], [root.path]), workspace.path, {
        entityRef: 'shop',
        fragmentPath: 'fragment/peerauthentication.yaml',
        targetPath: 'k8s/link.yaml',
      }),
    ).rejects.toThrow("k8s/link.yaml leaves the entity's source location");
  });

  it('refuses a source location outside the configured roots', async () => {
    await expect(
      run(
        actionFor([shop()], [root.resolve('services/other')]),
        workspace.path,
        { entityRef: 'shop', fragmentPath: 'fragment/peerauthentication.yaml' },
      ),
    ).rejects.toThrow(
      /outside the folders configured in meshReadiness.manifests.fileRoots/,
    );
  });

  it('reads no local disk for an entity registered from a URL', async () => {
    const remote = component('shop', {
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
      'backstage.io/source-location': `file:${root.path}/`,
    });
    await expect(
      run(actionFor([remote], [root.path]), workspace.path, {
        entityRef: 'shop',
        fragmentPath: 'fragment/peerauthentication.yaml',
      }),
    ).rejects.toThrow(/read only for entities of local catalog files/);
  });
});
