import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { scaffolderModuleMeshReadiness } from './module';
import { SHOP_PEER_AUTHENTICATION_PERMISSIVE_FILE as PERMISSIVE } from './__testUtils__/shopPeerAuthentication';

/*
 * A shipped template's dry run through the real Scaffolder backend and the
 * real catalog, for a sample service whose `sec.mtls.strict` fails
 * (product-catalog: no PeerAuthentication STRICT), with no Git host at all.
 */
const REPO_ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES_DIR = path.join(
  REPO_ROOT,
  'plugins/mesh-readiness-common/templates',
);
const SAMPLE_SERVICE = path.join(
  REPO_ROOT,
  'examples/services/product-catalog/catalog-info.yaml',
);

function templateBody(name: string) {
  const dir = path.join(TEMPLATES_DIR, name);
  const skeleton = path.join(dir, 'skeleton');
  return {
    template: parseYaml(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    ),
    directoryContents: fs.readdirSync(skeleton).map(file => ({
      path: `skeleton/${file}`,
      base64Content: fs
        .readFileSync(path.join(skeleton, file))
        .toString('base64'),
    })),
  };
}

interface DryRunResponse {
  output: { text?: { title: string; content: string }[] };
  steps: { id: string; action: string }[];
  log: { body: { message: string; stepId?: string; status?: string } }[];
}

jest.setTimeout(120_000);

describe('a shipped template dry run renders the pull request diff', () => {
  const workdir = createMockDirectory();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  // A GitHub Enterprise host on this machine: the REST contents endpoint the
  // UrlReader's GitHub reader asks, and nothing else.
  const githubRequests: string[] = [];
  const github = http.createServer((req, res) => {
    githubRequests.push(`${req.method} ${req.url}`);
    if (
      req.url ===
      '/api/v3/repos/acme/shop/contents/deploy/k8s/peerauthentication.yaml?ref=main'
    ) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(PERMISSIVE);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
  });

  beforeAll(async () => {
    await new Promise<void>(resolve => github.listen(0, '127.0.0.1', resolve));
    const githubHost = `127.0.0.1:${(github.address() as AddressInfo).port}`;
    workdir.setContent({
      'shop.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: shop',
        '  annotations:',
        `    backstage.io/source-location: url:http://${githubHost}/acme/shop/tree/main/deploy/`,
        '    mesh-readiness.io/manifests: k8s/*.yaml',
        'spec: {type: service, lifecycle: production, owner: shop-team}',
        '',
      ].join('\n'),
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        // As in the sample portal; no GitLab module (none for this line).
        scaffolderGithubModule,
        catalogPlugin,
        scaffolderModuleMeshReadiness,
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workdir.path },
            catalog: {
              rules: [{ allow: ['Component'] }],
              locations: [
                { type: 'file', target: SAMPLE_SERVICE },
                { type: 'file', target: workdir.resolve('shop.yaml') },
              ],
            },
            integrations: {
              github: [
                {
                  host: githubHost,
                  apiBaseUrl: `http://${githubHost}/api/v3`,
                  token: 'test-token',
                },
              ],
            },
            meshReadiness: { manifests: { fileRoots: [REPO_ROOT] } },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // The catalog reads its locations in the background.
    const deadline = Date.now() + 60_000;
    for (const name of ['product-catalog', 'shop']) {
      for (;;) {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/component/default/${name}`)
          .set('Authorization', mockCredentials.user.header());
        if (res.status === 200) break;
        if (Date.now() > deadline) {
          throw new Error(`the catalog never read ${name}`);
        }
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    }
  });

  afterAll(async () => {
    await stop?.();
    await new Promise<void>(resolve => github.close(() => resolve()));
  });

  async function dryRun(name: string, values: Record<string, unknown>) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ ...templateBody(name), values, secrets: {} });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    return res.body as DryRunResponse;
  }

  it('shows the new PeerAuthentication of istio-peerauthentication-strict as a diff', async () => {
    const result = await dryRun('istio-peerauthentication-strict', {
      namespace: 'product-catalog',
      workload: 'product-catalog',
      mode: 'STRICT',
      permissivePorts: [],
      entityRef: 'component:default/product-catalog',
      openPullRequest: false,
    });
    const preview = result.output.text?.find(
      t => t.title === 'Pull request preview',
    );
    expect(preview?.content).toContain(
      [
        'Creates `k8s/peerauthentication.yaml` (the source location is on no GitHub or GitLab host: apply the diff by hand)',
        '',
        '```diff',
        'diff --git a/k8s/peerauthentication.yaml b/k8s/peerauthentication.yaml',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/k8s/peerauthentication.yaml',
        '@@ -0,0 +1,11 @@',
        '+apiVersion: security.istio.io/v1',
        '+kind: PeerAuthentication',
        '+metadata:',
        '+  name: product-catalog',
        '+  namespace: product-catalog',
        '+spec:',
        '+  selector:',
        '+    matchLabels:',
        '+      app: product-catalog',
        '+  mtls:',
        '+    mode: STRICT',
      ].join('\n'),
    );
    const skipped = result.log
      .filter(l => l.body.status === 'skipped')
      .map(l => l.body.stepId);
    expect(skipped).toEqual(
      expect.arrayContaining(['pull-request', 'merge-request']),
    );
    // Nothing of the sample was changed: the change lives in the workspace.
    expect(
      fs.existsSync(
        path.join(
          REPO_ROOT,
          'examples/services/product-catalog/k8s/peerauthentication.yaml',
        ),
      ),
    ).toBe(false);
  });

  it('changes the existing Namespace of istio-namespace-injection in place', async () => {
    const result = await dryRun('istio-namespace-injection', {
      namespace: 'product-catalog',
      revision: '',
      istioCni: true,
      entityRef: 'component:default/product-catalog',
    });
    const preview = result.output.text?.find(
      t => t.title === 'Pull request preview',
    );
    expect(preview?.content).toMatch(
      /^Changes `k8s\/namespace.yaml`.*\n\n```diff\ndiff --git a\/k8s\/namespace.yaml b\/k8s\/namespace.yaml\n--- a\/k8s\/namespace.yaml\n\+\+\+ b\/k8s\/namespace.yaml\n@@ /,
    );
  });

  it('renders only the fragment without a service, as before', async () => {
    const result = await dryRun('istio-peerauthentication-strict', {
      namespace: 'product-catalog',
      mode: 'STRICT',
    });
    expect(result.output.text?.map(t => t.title)).toEqual([
      'peerauthentication.yaml',
      'Pull request preview',
    ]);
    expect(result.output.text?.[1].content).toBe(
      'Choose a service to preview the change to its repository.\n',
    );
  });

  it('opens no pull request for a source location on no Git host, even when asked', async () => {
    const result = await dryRun('istio-peerauthentication-strict', {
      namespace: 'product-catalog',
      mode: 'STRICT',
      entityRef: 'component:default/product-catalog',
      openPullRequest: true,
    });
    const skipped = result.log
      .filter(l => l.body.status === 'skipped')
      .map(l => l.body.stepId);
    // publish:gitlab:merge-request is not installed here: a step skipped by
    // its `if` is never looked up.
    expect(skipped).toEqual(
      expect.arrayContaining(['pull-request', 'merge-request']),
    );
  });

  it('on a GitHub host, reads the file through the GitHub integration and dry-runs the pull request; the GitLab step, skipped, needs no module', async () => {
    const result = await dryRun('istio-peerauthentication-strict', {
      namespace: 'shop',
      mode: 'STRICT',
      entityRef: 'component:default/shop',
      openPullRequest: true,
    });
    expect(githubRequests).toEqual([
      'GET /api/v3/repos/acme/shop/contents/deploy/k8s/peerauthentication.yaml?ref=main',
    ]);
    const preview = result.output.text?.find(
      t => t.title === 'Pull request preview',
    );
    expect(preview?.content).toContain(
      [
        '```diff',
        'diff --git a/deploy/k8s/peerauthentication.yaml b/deploy/k8s/peerauthentication.yaml',
        '--- a/deploy/k8s/peerauthentication.yaml',
        '+++ b/deploy/k8s/peerauthentication.yaml',
        '@@ -6,4 +6,4 @@',
        '   namespace: shop',
        ' spec:',
        '   mtls:',
        '-    mode: PERMISSIVE',
        '+    mode: STRICT',
      ].join('\n'),
    );
    const messages = result.log.map(l => l.body.message).join('\n');
    expect(messages).toContain(
      'Running publish:github:pull-request in dry-run mode',
    );
    expect(messages).toMatch(
      /"repoUrl": "127\.0\.0\.1:\d+\?owner=acme&repo=shop"/,
    );
    expect(messages).toContain('"branchName": "mesh-readiness/dry-run-shop"');
    expect(messages).toContain('"targetBranchName": "main"');
    expect(messages).toContain('"sourcePath": "pull-request"');
    expect(messages).toContain('Performing dry run of creating pull request');
    expect(messages).toContain(
      'Skipping step merge-request because its if condition was false',
    );
  });

  it.each(
    fs
      .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => [entry.name]),
  )(
    '%s dry-runs with the sample service and previews its change',
    async name => {
      const template = templateBody(name).template as {
        spec: {
          parameters: {
            properties?: Record<
              string,
              {
                default?: unknown;
                type?: string;
                enum?: unknown[];
                minItems?: number;
              }
            >;
          }[];
        };
      };
      // Each declared parameter at its default, else a plausible value.
      const values: Record<string, unknown> = {};
      for (const page of template.spec.parameters) {
        for (const [key, schema] of Object.entries(page.properties ?? {})) {
          if (schema.default !== undefined) values[key] = schema.default;
          else if (schema.enum) values[key] = schema.enum[0];
          else if (schema.type === 'integer' || schema.type === 'number')
            values[key] = 8080;
          else if (schema.type === 'array' && schema.minItems) {
            values[key] = [
              { namespace: 'storefront', serviceAccount: 'storefront-web' },
            ];
          } else if (schema.type === 'array') values[key] = [];
          else if (schema.type === 'boolean') values[key] = false;
          else values[key] = 'product-catalog';
        }
      }
      values.entityRef = 'component:default/product-catalog';
      if (name === 'istio-sidecar-egress')
        values.externalHost = 'api.example.com';
      const result = await dryRun(name, values);
      const preview = result.output.text?.find(
        t => t.title === 'Pull request preview',
      );
      expect(preview?.content).toMatch(
        /^(Creates|Changes) `k8s\/[\w.-]+\.yaml`.*\n\n```diff\ndiff --git /,
      );
    },
  );
});
