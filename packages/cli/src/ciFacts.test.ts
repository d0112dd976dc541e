import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_NOW, FIXTURES_DIR, runCli } from './__testUtils__/runCli';

const EXPORT = 'src/__fixtures__/ci-facts/ready-service.json';

/** `check --format json` of ready-service under the built-in Istio program. */
function checkReadyService(extra: string[]) {
  return runCli([
    'check',
    '--catalog',
    'src/__fixtures__/ready-service/catalog-info.yaml',
    '--program',
    'istio-adoption',
    '--now',
    FIXED_NOW,
    '--format',
    'json',
    ...extra,
  ]);
}

function statusOf(stdout: string, id: string): string {
  const scorecard = JSON.parse(stdout);
  const check = scorecard.checks.find(
    (c: { checkId: string }) => c.checkId === id,
  );
  if (check) return check.status;
  return scorecard.checklist.find((c: { itemId: string }) => c.itemId === id)
    .status;
}

describe('mesh-readiness check --ci-facts', () => {
  let dir: string;
  const exported = () =>
    JSON.parse(
      readFileSync(join(FIXTURES_DIR, 'ci-facts/ready-service.json'), 'utf8'),
    );
  const write = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-ci-facts-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the callers check unknown without catalog facts', () => {
    const run = checkReadyService([]);
    expect(run.stderr).toBe('');
    expect(statusOf(run.stdout, 'sec.mtls.callers')).toBe('unknown');
    expect(statusOf(run.stdout, 'manual.on-call')).toBe('missing');
  });

  it('feeds the exported callers, owner and attestations into the facts', () => {
    const run = checkReadyService(['--ci-facts', EXPORT]);
    expect(run.stderr).toBe('');
    const scorecard = JSON.parse(run.stdout);
    const callers = scorecard.checks.find(
      (c: { checkId: string }) => c.checkId === 'sec.mtls.callers',
    );
    expect(callers.status).toBe('fail');
    const messages = JSON.stringify(callers.findings);
    expect(messages).toContain('component:default/batch-jobs is not meshed');
    expect(messages).toContain('component:default/web-frontend is meshed');
    expect(statusOf(run.stdout, 'manual.on-call')).toBe('attested');
  });

  it('passes the callers check when every caller is meshed, in YAML too', () => {
    const file = write(
      'ci-facts.yaml',
      [
        'entityRef: component:default/ready-service',
        'programId: istio-adoption',
        'attestations: []',
        'waivers: []',
        'catalog:',
        '  ownerIsGroup: true',
        '  callers:',
        '    - entityRef: component:default/web-frontend',
        '      phase: enforce',
        '      meshed: true',
        '',
      ].join('\n'),
    );
    const run = checkReadyService(['--ci-facts', file]);
    expect(run.stderr).toBe('');
    expect(statusOf(run.stdout, 'sec.mtls.callers')).toBe('pass');
    // --attestations is the earlier name of the same option.
    const same = checkReadyService(['--attestations', file]);
    expect(same.stdout).toBe(run.stdout);
  });

  it('refuses an export made for another entity', () => {
    const file = write(
      'other.json',
      JSON.stringify({
        ...exported(),
        entityRef: 'component:default/payments',
      }),
    );
    const run = checkReadyService(['--ci-facts', file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `mesh-readiness: ${file}: the export is for component:default/payments, but the entity checked is component:default/ready-service\n`,
    );
  });

  it.each([
    [
      'a caller without meshed',
      'catalog:\n  callers:\n    - entityRef: component:default/web\n      phase: expand\n',
      /:4:7: missing required field "meshed" in catalog\.callers\[0\]\n$/,
    ],
    [
      'a caller with a text meshed',
      'catalog:\n  callers:\n    - entityRef: component:default/web\n      phase: expand\n      meshed: "yes"\n',
      /:6:15: catalog\.callers\[0\]\.meshed: must be true or false, found the string "yes"\n$/,
    ],
    [
      'an unknown catalog key',
      'catalog:\n  owners: []\n',
      /:3:11: unknown field "owners" in catalog; allowed fields: ownerIsGroup, callers\n$/,
    ],
    [
      'catalog facts without entityRef',
      'catalog:\n  ownerIsGroup: true\n',
      /:2:3: catalog: catalog facts belong to one entity; give its entityRef next to them\n$/,
    ],
  ])('reports %s with file:line:column', (_title, body, message) => {
    const withRef = _title.includes('without entityRef')
      ? body
      : `entityRef: component:default/ready-service\n${body}`;
    const file = write('bad.yaml', withRef);
    const run = checkReadyService(['--ci-facts', file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`mesh-readiness: ${file}:`)).toBe(true);
    expect(run.stderr).toMatch(message);
  });

  it('refuses --ci-facts together with --attestations', () => {
    const run = checkReadyService([
      '--ci-facts',
      EXPORT,
      '--attestations',
      EXPORT,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      '--ci-facts and --attestations are the same option; give one of them',
    );
  });
});
