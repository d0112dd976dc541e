import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  EntityFacts,
  evaluate,
  loadProgram,
  Program,
  serializeScorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  FIXED_NOW,
  FIXTURE_PROGRAM,
  FIXTURES_DIR,
  PACKAGE_DIR,
  runCli,
  runFixtureCheck,
} from './__testUtils__/runCli';

function fixtureProgram(): Program {
  const result = loadProgram(
    readFileSync(resolve(PACKAGE_DIR, FIXTURE_PROGRAM), 'utf8'),
    FIXTURE_PROGRAM,
  );
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  return result.program;
}

/** The facts of a fixture service, built here independently of the CLI. */
function fixtureFacts(service: string, files: string[]): EntityFacts {
  const catalogText = readFileSync(
    join(FIXTURES_DIR, service, 'catalog-info.yaml'),
    'utf8',
  );
  const entity = parseAllDocuments(catalogText)
    .map(document => document.toJS())
    .find(value => value.kind === 'Component');
  return {
    entity,
    manifests: files.map(file => ({
      path: `src/__fixtures__/${service}/${file}`,
      content: readFileSync(join(FIXTURES_DIR, service, file), 'utf8'),
    })),
    // Cluster and metrics are absent: not connected in CI.
    sources: {
      catalog: { status: 'ok' },
      manifests: { status: 'ok' },
    },
    attestations: [],
    waivers: [],
    now: FIXED_NOW,
  };
}

describe('mesh-readiness check', () => {
  describe('exit codes', () => {
    it('exits 0 when the entity reaches its wave target', () => {
      const run = runFixtureCheck('ready-service');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('component:default/ready-service');
      expect(run.stdout).toMatch(
        /Phase: Expand; target: Expand \(wave payments-wave, due 2027-03-31\) — REACHED/,
      );
      expect(run.stdout).toContain(
        'Phases: Pilot 4/4 complete, Expand 1/1 complete (1 not evaluated), Enforce 0/1',
      );
    });

    it('exits 1 when the target phase is not reached, naming the failing finding', () => {
      const run = runFixtureCheck('failing-service');
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('NOT REACHED');
      expect(run.stdout).toContain('FAIL k8s.pod.uid [pilot, required]');
      expect(run.stdout).toContain(
        'src/__fixtures__/failing-service/k8s/deployment.yaml:19',
      );
    });

    it('exits 1 when --target-phase asks for more than the entity has', () => {
      const run = runFixtureCheck('ready-service', [
        '--target-phase',
        'enforce',
      ]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('MISSING security-review');
    });

    it('exits 0 once the missing attestation is supplied from a portal export', () => {
      const run = runFixtureCheck('ready-service', [
        '--target-phase',
        'enforce',
        '--attestations',
        'src/__fixtures__/ready-service/attestations.yaml',
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Phase: Enforce');
    });

    it('counts an approved waiver from a JSON export', () => {
      const run = runFixtureCheck('failing-service', [
        '--attestations',
        'src/__fixtures__/failing-service/waivers.json',
      ]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(
        'WAIVED k8s.pod.uid: The image is rebuilt with UID 1000 next sprint.',
      );
    });

    it('exits 2 on an unknown phase, format or program', () => {
      const phase = runFixtureCheck('ready-service', [
        '--target-phase',
        'orbit',
      ]);
      expect(phase.status).toBe(2);
      expect(phase.stderr).toContain(
        "unknown phase 'orbit' for --target-phase; program fixture-adoption has pilot, expand, enforce",
      );
      const format = runFixtureCheck('ready-service', ['--format', 'html']);
      expect(format.status).toBe(2);
      expect(format.stderr).toContain(
        "unknown format 'html'; expected one of text, json, junit, sarif, markdown",
      );
      const program = runCli([
        'check',
        '-c',
        'src/__fixtures__/ready-service/catalog-info.yaml',
        '--program',
        'consul-adoption',
      ]);
      expect(program.status).toBe(2);
      expect(program.stderr).toContain(
        "unknown program 'consul-adoption': give a program file or one of istio-adoption, linkerd-adoption",
      );
    });

    it('exits 2 on an unknown option', () => {
      const run = runFixtureCheck('ready-service', ['--colour']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("Unknown option '--colour'");
      expect(run.stderr).toContain("see 'mesh-readiness check --help'");
    });
  });

  describe('bad input', () => {
    it('reports invalid YAML in the catalog file with file:line:column', () => {
      // Written at test time: a broken YAML file in the repository would
      // trip the formatters that read every YAML file.
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        const catalog = join(dir, 'catalog-info.yaml');
        writeFileSync(
          catalog,
          [
            'apiVersion: backstage.io/v1alpha1',
            'kind: Component',
            'metadata:',
            '  name: bad-yaml-service',
            '  annotations: {mesh-readiness.io/manifests: k8s/*.yaml',
            'spec:',
            '  type: service',
            '',
          ].join('\n'),
        );
        const run = runCli([
          'check',
          '-c',
          catalog,
          '--program',
          FIXTURE_PROGRAM,
        ]);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(
          /^mesh-readiness: .+catalog-info\.yaml:\d+:\d+: invalid YAML: /,
        );
        expect(run.stderr.startsWith(`mesh-readiness: ${catalog}:`)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports an invalid program with every problem', () => {
      const run = runFixtureCheck('ready-service', [
        '--program',
        'src/__fixtures__/programs/broken-program.yaml',
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'src/__fixtures__/programs/broken-program.yaml:18:14 spec.checks[0].phase: phase "sustain" does not exist',
      );
    });

    it('names a missing catalog file', () => {
      const run = runCli(['check', '-c', 'nowhere/catalog-info.yaml']);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        "mesh-readiness: cannot read catalog file 'nowhere/catalog-info.yaml': no such file\n",
      );
    });

    it('names a missing manifest file', () => {
      const run = runFixtureCheck('ready-service', [
        'src/__fixtures__/ready-service/k8s/gone.yaml',
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        "mesh-readiness: cannot read manifest file 'src/__fixtures__/ready-service/k8s/gone.yaml': no such file\n",
      );
    });

    it('says when a glob matches no manifest', () => {
      const run = runFixtureCheck('ready-service', [
        '--manifests',
        'src/__fixtures__/ready-service/**/*.json',
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        "no manifest file matches 'src/__fixtures__/ready-service/**/*.json'",
      );
    });

    it('fails the cat.manifests check for a manifest that does not parse, with file and line', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        writeFileSync(
          join(dir, 'broken.yaml'),
          'apiVersion: v1\nkind: Service\nmetadata: [oops\n',
        );
        const run = runFixtureCheck('ready-service', [
          '--root',
          dir,
          '--format',
          'sarif',
          join(dir, 'broken.yaml'),
        ]);
        expect(run.status).toBe(1);
        const result = JSON.parse(run.stdout).runs[0].results.find(
          (candidate: { ruleId: string }) =>
            candidate.ruleId === 'cat.manifests',
        );
        expect(result.message.text).toContain('invalid YAML');
        expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(
          'broken.yaml',
        );
        expect(
          result.locations[0].physicalLocation.region.startLine,
        ).toBeGreaterThanOrEqual(3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('warns about unparsable manifests when the program has no cat.manifests check', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        const program = readFileSync(
          resolve(PACKAGE_DIR, FIXTURE_PROGRAM),
          'utf8',
        );
        const start = program.indexOf('    - id: cat.manifests');
        const end = program.indexOf('    - id: k8s.pod.uid');
        writeFileSync(
          join(dir, 'program.yaml'),
          program.slice(0, start) + program.slice(end),
        );
        writeFileSync(
          join(dir, 'broken.yaml'),
          'apiVersion: v1\nkind: Service\nmetadata: [oops\n',
        );
        const run = runFixtureCheck('ready-service', [
          '--program',
          join(dir, 'program.yaml'),
          '--root',
          dir,
          join(dir, 'broken.yaml'),
        ]);
        expect(run.stderr).toMatch(
          /^warning: broken\.yaml:\d+:\d+: invalid YAML/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('picks an entity with --entity and rejects one the file does not hold', () => {
      const picked = runFixtureCheck('ready-service', [
        '--entity',
        'component:default/ready-service',
      ]);
      expect(picked.status).toBe(0);
      const missing = runFixtureCheck('ready-service', [
        '--entity',
        'component:default/other',
      ]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(
        "entity 'component:default/other' is not in src/__fixtures__/ready-service/catalog-info.yaml; it holds group:default/payments-team, component:default/ready-service",
      );
    });
  });

  describe('formats', () => {
    it('json is exactly serializeScorecard of a direct evaluate', () => {
      const run = runFixtureCheck('failing-service', ['--format', 'json']);
      expect(run.status).toBe(1);
      const expected = serializeScorecard(
        evaluate(
          fixtureProgram(),
          fixtureFacts('failing-service', ['k8s/deployment.yaml']),
        ),
      );
      expect(run.stdout).toBe(`${expected}\n`);
      const scorecard = JSON.parse(run.stdout);
      expect(scorecard.phase).toBe('not-started');
      expect(scorecard.evaluatedAt).toBe(FIXED_NOW);
    });

    it('json of a passing service matches a direct evaluate with two manifests', () => {
      const run = runFixtureCheck('ready-service', ['--format', 'json']);
      expect(run.status).toBe(0);
      const expected = serializeScorecard(
        evaluate(
          fixtureProgram(),
          fixtureFacts('ready-service', [
            'k8s/deployment.yaml',
            'k8s/service.yaml',
          ]),
        ),
      );
      expect(run.stdout).toBe(`${expected}\n`);
    });

    it('sarif 2.1.0 locates every finding with a file and a start line', () => {
      const run = runFixtureCheck('failing-service', ['--format', 'sarif']);
      expect(run.status).toBe(1);
      const sarif = JSON.parse(run.stdout);
      expect(sarif.version).toBe('2.1.0');
      const [sarifRun] = sarif.runs;
      expect(sarifRun.tool.driver.name).toBe('mesh-readiness');
      expect(
        sarifRun.tool.driver.rules.map((rule: { id: string }) => rule.id),
      ).toContain('k8s.pod.uid');
      expect(sarifRun.results.length).toBeGreaterThan(0);
      for (const result of sarifRun.results) {
        const location = result.locations[0].physicalLocation;
        expect(typeof location.artifactLocation.uri).toBe('string');
        expect(location.region.startLine).toBeGreaterThanOrEqual(1);
      }
      expect(sarifRun.results[0]).toMatchObject({
        ruleId: 'k8s.pod.uid',
        level: 'error',
        locations: [
          {
            physicalLocation: {
              artifactLocation: {
                uri: 'src/__fixtures__/failing-service/k8s/deployment.yaml',
              },
              region: { startLine: 19 },
            },
          },
        ],
      });
    });

    it('sarif points catalog findings at the entity in the catalog file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        writeFileSync(
          join(dir, 'catalog-info.yaml'),
          [
            'apiVersion: backstage.io/v1alpha1',
            'kind: Component',
            'metadata:',
            '  name: orphan',
            'spec:',
            '  type: service',
            '  owner: user:default/someone',
            '',
          ].join('\n'),
        );
        const run = runCli(
          [
            'check',
            '--program',
            resolve(PACKAGE_DIR, FIXTURE_PROGRAM),
            '--now',
            FIXED_NOW,
            '--format',
            'sarif',
          ],
          { cwd: dir },
        );
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(
          'has no mesh-readiness.io/manifests annotation',
        );
        const results = JSON.parse(run.stdout).runs[0].results;
        const owner = results.find(
          (result: { ruleId: string }) => result.ruleId === 'cat.owner',
        );
        expect(owner.locations[0].physicalLocation).toEqual({
          artifactLocation: { uri: 'catalog-info.yaml' },
          region: { startLine: 1 },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('sarif marks waived findings as suppressed', () => {
      const run = runFixtureCheck('failing-service', [
        '--format',
        'sarif',
        '--attestations',
        'src/__fixtures__/failing-service/waivers.json',
      ]);
      const [result] = JSON.parse(run.stdout).runs[0].results;
      expect(result.ruleId).toBe('k8s.pod.uid');
      expect(result.suppressions).toEqual([
        {
          kind: 'external',
          status: 'accepted',
          justification: 'The image is rebuilt with UID 1000 next sprint.',
        },
      ]);
    });

    it('junit has one test case per check and a failure for each failing one', () => {
      const run = runFixtureCheck('failing-service', ['--format', 'junit']);
      expect(run.status).toBe(1);
      const xml = run.stdout;
      expect(
        xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
      ).toBe(true);
      const checkSuite = xml.slice(
        xml.indexOf('<testsuite '),
        xml.indexOf('</testsuite>'),
      );
      expect(checkSuite.match(/<testcase /g)).toHaveLength(
        fixtureProgram().spec.checks.length,
      );
      expect(checkSuite).toMatch(
        /<testcase classname="mesh-readiness\.pilot" name="k8s\.pod\.uid: No container runs as UID 1337">\s*<failure message="[^"]+" type="required">src\/__fixtures__\/failing-service\/k8s\/deployment\.yaml:19: /,
      );
      expect(checkSuite).toContain('<skipped message="not-evaluated');
      // Balanced elements: every opened test case is closed.
      const opened = (xml.match(/<testcase [^>]*[^/]>/g) ?? []).length;
      expect((xml.match(/<\/testcase>/g) ?? []).length).toBe(opened);
      expect((xml.match(/<testsuite /g) ?? []).length).toBe(
        (xml.match(/<\/testsuite>/g) ?? []).length,
      );
    });

    it('markdown has the verdict and a table of failing checks with file:line and playbook links', () => {
      const run = runFixtureCheck('failing-service', [
        '--format',
        'markdown',
        '--portal-url',
        'https://portal.example.com',
      ]);
      expect(run.status).toBe(1);
      const markdown = run.stdout;
      expect(markdown).toContain(
        '### Mesh readiness: `component:default/failing-service` — ❌ target not reached',
      );
      expect(markdown).toContain(
        '| Status | Check | Phase | Where | Finding | Fix |',
      );
      const row = markdown
        .split('\n')
        .find(line => line.startsWith('| ❌ fail | `k8s.pod.uid`'));
      expect(row).toBeDefined();
      expect(row).toContain(
        '`src/__fixtures__/failing-service/k8s/deployment.yaml:19`',
      );
      expect(row).toContain(
        '[Free UID 1337](https://portal.example.com/docs/default/component/mesh-readiness-playbooks/k8s-pod-uid/)',
      );
    });

    it('markdown lists at most ten findings per check and counts the rest', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        const deployments = Array.from({ length: 12 }, (_, index) =>
          [
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata:',
            `  name: worker-${index}`,
            '  namespace: payments',
            'spec:',
            '  template:',
            '    spec:',
            '      containers:',
            '        - name: app',
            '          image: registry.invalid/worker:1.0',
            '          securityContext:',
            '            runAsUser: 1337',
          ].join('\n'),
        ).join('\n---\n');
        writeFileSync(join(dir, 'workers.yaml'), `${deployments}\n`);
        const run = runFixtureCheck('ready-service', [
          '--format',
          'markdown',
          '--root',
          dir,
          join(dir, 'workers.yaml'),
        ]);
        expect(run.status).toBe(1);
        const rows = run.stdout
          .split('\n')
          .filter(line => line.includes('`workers.yaml:'));
        expect(rows).toHaveLength(10);
        expect(run.stdout).toContain('2 more findings: see the full report');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('writes the report to --output and a one-line verdict to stderr', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-cli-'));
      try {
        const output = join(dir, 'report.md');
        const run = runFixtureCheck('ready-service', [
          '--format',
          'markdown',
          '--output',
          output,
        ]);
        expect(run.status).toBe(0);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain(
          'component:default/ready-service: phase expand, target expand reached',
        );
        expect(readFileSync(output, 'utf8')).toContain('✅ target reached');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
