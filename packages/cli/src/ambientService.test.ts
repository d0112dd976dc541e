/*
 * `mesh-readiness check` on an Istio ambient service (fixture:
 * src/__fixtures__/ambient-service): no sidecar-only check fails, each of
 * them says why it does not apply, and the shipped ambient program scores
 * every manifest check it holds as passing.
 */
import { FIXED_NOW, runCli } from './__testUtils__/runCli';

const CATALOG = 'src/__fixtures__/ambient-service/catalog-info.yaml';
const AMBIENT_PROGRAM =
  '../../plugins/mesh-readiness-common/programs/istio-ambient-adoption.yaml';

interface Card {
  phase: string;
  checks: Array<{
    checkId: string;
    status: string;
    summary: string;
    findings: Array<{ level: string; message: string }>;
  }>;
}

function check(program?: string): Card {
  const run = runCli([
    'check',
    '--catalog',
    CATALOG,
    ...(program ? ['--program', program] : []),
    '--format',
    'json',
    '--now',
    FIXED_NOW,
  ]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('mesh-readiness check on an ambient service', () => {
  it('has no sidecar-only failure under istio-adoption, and says why those checks do not apply', () => {
    const card = check();
    expect(
      card.checks
        .filter(c => c.status === 'fail')
        .map(c => `${c.checkId}: ${c.summary}`),
    ).toEqual([]);
    const startup = card.checks.find(c => c.checkId === 'k8s.startup');
    expect(startup).toMatchObject({
      status: 'not-applicable',
      summary:
        'applies to sidecar, native sidecar, not enrolled; no workload of this entity runs on one',
    });
    expect(startup?.findings[0].message).toBe(
      'Deployment shop/cart: not applicable on ambient with a waypoint (L7) (namespace shop has istio.io/dataplane-mode=ambient; waypoint shop/waypoint bound by the namespace); the check applies to sidecar, native sidecar, not enrolled',
    );
  });

  it('passes every manifest check of istio-ambient-adoption', () => {
    const card = check(AMBIENT_PROGRAM);
    const manifestVerdicts = card.checks.filter(
      c => !['not-evaluated', 'unknown'].includes(c.status),
    );
    expect(
      manifestVerdicts
        .filter(c => !['pass', 'not-applicable'].includes(c.status))
        .map(c => `${c.checkId}: ${c.status}`),
    ).toEqual([
      // The callers' namespace is not in this repository and the catalog
      // relations are not given to the CLI: the principals stay unverified.
      'sec.authz.deny: warn',
    ]);
    expect(
      card.checks.find(c => c.checkId === 'mesh.ambient.enrolled')?.status,
    ).toBe('pass');
    expect(
      card.checks.find(c => c.checkId === 'mesh.ambient.waypoint')?.status,
    ).toBe('pass');
  });
});
