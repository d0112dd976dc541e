import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_NOW, runCli, runFixtureCheck } from './__testUtils__/runCli';

/** A catalog file with one Component and the given annotations. */
function writeCatalog(
  dir: string,
  annotations: Record<string, string>,
  kind = 'Component',
): string {
  const lines = [
    'apiVersion: backstage.io/v1alpha1',
    `kind: ${kind}`,
    'metadata:',
    '  name: picked-service',
    '  annotations:',
    ...Object.entries(annotations).map(
      ([key, value]) => `    ${key}: ${value}`,
    ),
    'spec:',
    '  type: service',
    '  owner: group:default/payments-team',
    '',
  ];
  const file = join(dir, 'catalog-info.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('mesh-readiness check inputs', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-inputs-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ 'mesh-readiness.io/mesh': 'linkerd' }, 'linkerd-adoption'],
    [{ 'mesh-readiness.io/mesh': 'istio' }, 'istio-adoption'],
    [{ 'mesh-readiness.io/program': 'linkerd-adoption' }, 'linkerd-adoption'],
    [{ 'backstage.io/kubernetes-id': 'picked-service' }, 'istio-adoption'],
  ])(
    'picks the built-in program from the annotations %j',
    (annotations, program) => {
      const catalog = writeCatalog(dir, annotations);
      const run = runCli(['check', '--catalog', catalog, '--now', FIXED_NOW], {
        cwd: dir,
      });
      expect([0, 1]).toContain(run.status);
      expect(run.stdout.split('\n')[0]).toMatch(
        new RegExp(`^component:default/picked-service — program ${program} `),
      );
    },
  );

  it('checks the first of several Components and says so', () => {
    const file = join(dir, 'catalog-info.yaml');
    const component = (name: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  owner: team-a\n`;
    writeFileSync(file, `${component('first')}---\n${component('second')}`);
    const run = runCli(['check', '--catalog', file, '--now', FIXED_NOW], {
      cwd: dir,
    });
    expect(run.stdout.split('\n')[0]).toMatch(/^component:default\/first — /);
    expect(run.stderr).toContain(
      `note: ${file} holds 2 Components; checking the first, component:default/first (pick another with --entity)`,
    );
    const second = runCli(
      ['check', '--catalog', file, '--entity', 'second', '--now', FIXED_NOW],
      {
        cwd: dir,
      },
    );
    expect(second.stdout.split('\n')[0]).toMatch(
      /^component:default\/second — /,
    );
    expect(second.stderr).not.toContain('holds 2 Components');
  });

  it('rejects a program annotation that names no built-in program', () => {
    const catalog = writeCatalog(dir, {
      'mesh-readiness.io/program': 'consul-adoption',
    });
    const run = runCli(['check', '--catalog', catalog], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "no built-in program applies to component:default/picked-service (its mesh-readiness.io/program annotation names 'consul-adoption'; the built-in programs are istio-adoption for istio",
    );
    expect(run.stderr).toContain('pass the program file with --program');
  });

  it('names --entity when it is not an entity ref', () => {
    const catalog = writeCatalog(dir, { 'backstage.io/techdocs-ref': 'dir:.' });
    const run = runCli(
      ['check', '--catalog', catalog, '--entity', 'component:default/bad name'],
      { cwd: dir },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      '--entity: "component:default/bad name" is not an entity ref: name "bad name" is not a valid entity name',
    );
  });

  it('says so when no built-in program applies to the entity, without falling back', () => {
    const catalog = writeCatalog(
      dir,
      { 'backstage.io/techdocs-ref': 'dir:.' },
      'Resource',
    );
    const run = runCli(
      ['check', '--catalog', catalog, '--entity', 'resource:picked-service'],
      { cwd: dir },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'no built-in program applies to resource:default/picked-service (by default;',
    );
  });

  it('refuses a manifests annotation that points at a URL', () => {
    const catalog = writeCatalog(dir, {
      'mesh-readiness.io/manifests':
        'https://git.example.com/repo/k8s/app.yaml',
    });
    const run = runCli(['check', '--catalog', catalog], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "points at 'https://git.example.com/repo/k8s/app.yaml', which is not a local file; pass the manifest paths as arguments",
    );
  });

  it('reads glob alternatives in the manifests annotation as one entry, as the portal does', () => {
    const catalog = writeCatalog(dir, {
      'mesh-readiness.io/manifests': 'deploy/{api,worker}.yaml',
    });
    mkdirSync(join(dir, 'deploy'));
    for (const name of ['api', 'worker']) {
      writeFileSync(
        join(dir, 'deploy', `${name}.yaml`),
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          `  name: ${name}`,
          '  namespace: shop',
          'spec:',
          `  selector: {matchLabels: {app: ${name}}}`,
          '  template:',
          `    metadata: {labels: {app: ${name}}}`,
          `    spec: {containers: [{name: ${name}, image: registry.invalid/${name}:1}]}`,
          '',
        ].join('\n'),
      );
    }
    const run = runCli(
      ['check', '--catalog', catalog, '--format', 'json', '--now', FIXED_NOW],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.status);
    expect(run.stdout).toContain('deploy/api.yaml');
    expect(run.stdout).toContain('deploy/worker.yaml');
  });

  it('reports a bad attestations export with file:line:column', () => {
    const file = join(dir, 'export.yaml');
    writeFileSync(
      file,
      [
        'attestations:',
        '  - id: att-1',
        '    entityRef: component:default/ready-service',
        '    programId: fixture-adoption',
        '    itemId: security-review',
        '    attestedBy: user:default/sam',
        '    role: auditor',
        "    attestedAt: '2027-01-10T09:00:00Z'",
        '',
      ].join('\n'),
    );
    const run = runFixtureCheck('ready-service', ['--attestations', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `mesh-readiness: ${file}:7:11: attestations[0].role: "auditor" is not one of owner, security, platform\n`,
    );
  });

  it('reports a missing field of a waiver where the waiver is', () => {
    const file = join(dir, 'export.json');
    writeFileSync(
      file,
      JSON.stringify(
        {
          waivers: [{ id: 'w1', entityRef: 'component:default/ready-service' }],
        },
        null,
        2,
      ),
    );
    const run = runFixtureCheck('ready-service', ['--attestations', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `^mesh-readiness: ${file.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}:3:5: missing required field "programId" in waivers\\[0\\]`,
      ),
    );
  });

  it('rejects a --now that is not a date', () => {
    const run = runCli(['check', '--now', 'yesterday']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--now 'yesterday' is not an ISO date-time");
  });

  it('rejects a program that does not apply to the entity', () => {
    const file = join(dir, 'catalog-info.yaml');
    writeFileSync(
      file,
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n',
    );
    const run = runCli(
      ['check', '--catalog', file, '--program', 'istio-adoption'],
      { cwd: dir },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /program istio-adoption does not apply to component:default\/web/,
    );
  });
});

describe('mesh-readiness explain with the built-in programs', () => {
  it('explains a check of every built-in program that has it', () => {
    const run = runCli(['explain', 'cat.owner']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Program istio-adoption');
    expect(run.stdout).toContain('Program linkerd-adoption');
  });
});
