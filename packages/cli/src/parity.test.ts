/*
 * Parity: for the same inputs, `mesh-readiness check --format json` prints
 * the scorecard the backend's stateless `POST /api/mesh-readiness/evaluate`
 * returns — same engine, same facts, same canonical JSON, so a pull-request
 * gate and the portal never disagree. The clock is fixed on both sides
 * (`--now` and the request's `now`).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { serializeScorecard } from '@mesh-readiness/plugin-mesh-readiness-common';
import meshReadinessPlugin from '@mesh-readiness/plugin-mesh-readiness-backend';
import {
  FIXED_NOW,
  FIXTURE_PROGRAM,
  FIXTURES_DIR,
  PACKAGE_DIR,
  runCli,
} from './__testUtils__/runCli';

jest.setTimeout(60_000);

interface Scenario {
  title: string;
  service: string;
  manifests: string[];
  /** The export given to the CLI with --ci-facts, relative to the fixtures. */
  exportFile?: string;
  /** A built-in program id; the fixture program file otherwise. */
  builtInProgram?: string;
  /** The expected sec.mtls.callers result; undefined when the program has none. */
  callersCheck?: { status: string; summary: string };
}

const CALLERS_UNRESOLVED = {
  status: 'unknown',
  summary:
    'no traffic metrics in this installation, and the callers of the entity were not resolved from the catalog',
};

const scenarios: Scenario[] = [
  {
    title: 'a service that reaches its target',
    service: 'ready-service',
    manifests: ['k8s/deployment.yaml', 'k8s/service.yaml'],
  },
  {
    title: 'a service with a failing check',
    service: 'failing-service',
    manifests: ['k8s/deployment.yaml'],
  },
  {
    title: 'a failing check under an approved waiver',
    service: 'failing-service',
    manifests: ['k8s/deployment.yaml'],
    exportFile: 'failing-service/waivers.json',
  },
  {
    title: 'a checklist item attested in the portal',
    service: 'ready-service',
    manifests: ['k8s/deployment.yaml', 'k8s/service.yaml'],
    exportFile: 'ready-service/attestations.yaml',
  },
  {
    // The bundle embeds the built-in programs as validated at build time;
    // the backend loads the same YAML at run time.
    title: 'the built-in istio-adoption program',
    service: 'ready-service',
    manifests: ['k8s/deployment.yaml', 'k8s/service.yaml'],
    builtInProgram: 'istio-adoption',
    callersCheck: CALLERS_UNRESOLVED,
  },
  {
    // Catalog facts from the portal's CI facts export: one caller is not
    // meshed, so sec.mtls.callers fails instead of being unknown.
    title: 'catalog callers from the CI facts export',
    service: 'ready-service',
    manifests: ['k8s/deployment.yaml', 'k8s/service.yaml'],
    exportFile: 'ci-facts/ready-service.json',
    builtInProgram: 'istio-adoption',
    callersCheck: {
      status: 'fail',
      summary: 'catalog relations: 1 of 2 callers not meshed',
    },
  },
  {
    title: 'the built-in linkerd-adoption program',
    service: 'failing-service',
    manifests: ['k8s/deployment.yaml'],
    builtInProgram: 'linkerd-adoption',
    callersCheck: CALLERS_UNRESOLVED,
  },
];

/** The YAML text of a program, as the backend receives it. */
function programText(scenario: Scenario): string {
  if (scenario.builtInProgram) {
    const commonDir = dirname(
      require.resolve(
        '@mesh-readiness/plugin-mesh-readiness-common/package.json',
      ),
    );
    return readFileSync(
      join(commonDir, 'programs', `${scenario.builtInProgram}.yaml`),
      'utf8',
    );
  }
  return readFileSync(resolve(PACKAGE_DIR, FIXTURE_PROGRAM), 'utf8');
}

function componentOf(service: string) {
  const text = readFileSync(
    join(FIXTURES_DIR, service, 'catalog-info.yaml'),
    'utf8',
  );
  return parseAllDocuments(text)
    .map(document => document.toJS())
    .find(value => value.kind === 'Component');
}

describe('parity of check --format json with POST /evaluate', () => {
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        meshReadinessPlugin,
        catalogServiceMock.factory({
          entities: [
            componentOf('ready-service'),
            componentOf('failing-service'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: { meshReadiness: { evaluation: { enabled: false } } },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  it.each(scenarios)('gives the same scorecard for $title', async scenario => {
    const entity = componentOf(scenario.service);
    const exported = scenario.exportFile
      ? parseAllDocuments(
          readFileSync(join(FIXTURES_DIR, scenario.exportFile), 'utf8'),
        )[0].toJS()
      : { attestations: [], waivers: [], catalog: undefined };
    const entityRef = `component:default/${entity.metadata.name}`;
    const forEntity = (items: Array<{ entityRef: string }>) =>
      items.filter(item => item.entityRef === entityRef);

    const cli = runCli([
      'check',
      '--catalog',
      `src/__fixtures__/${scenario.service}/catalog-info.yaml`,
      '--program',
      scenario.builtInProgram ?? FIXTURE_PROGRAM,
      '--now',
      FIXED_NOW,
      '--format',
      'json',
      ...(scenario.exportFile
        ? ['--ci-facts', `src/__fixtures__/${scenario.exportFile}`]
        : []),
    ]);
    expect(cli.stderr).toBe('');
    expect([0, 1]).toContain(cli.status);

    const response = await request(server)
      .post('/api/mesh-readiness/evaluate')
      .set('Authorization', mockCredentials.user.header('user:default/ci'))
      .send({
        entity,
        manifests: scenario.manifests.map(file => ({
          path: `src/__fixtures__/${scenario.service}/${file}`,
          content: readFileSync(
            join(FIXTURES_DIR, scenario.service, file),
            'utf8',
          ),
        })),
        program: programText(scenario),
        attestations: forEntity(exported.attestations),
        waivers: forEntity(exported.waivers),
        ...(exported.catalog ? { catalog: exported.catalog } : {}),
        now: FIXED_NOW,
      });
    expect(response.status).toBe(200);
    // Catalog facts reach the engine on both sides: the callers check is
    // unknown without them.
    const callers = response.body.checks.find(
      (check: { checkId: string }) => check.checkId === 'sec.mtls.callers',
    );
    expect(
      callers && { status: callers.status, summary: callers.summary },
    ).toEqual(scenario.callersCheck);

    // Same canonical bytes, and the same value.
    expect(cli.stdout).toBe(`${serializeScorecard(response.body)}\n`);
    expect(JSON.parse(cli.stdout)).toEqual(response.body);
  });
});
