/*
 * The enforce gate's policy consistency, as a user meets it in CI: a
 * mesh-wide DestinationRule with DISABLE under mesh-wide STRICT, and an
 * ALLOW rule naming a ServiceAccount that exists nowhere, each reported
 * with file and line (fixture: src/__fixtures__/policy-gaps).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXED_NOW, FIXTURES_DIR, runCli } from './__testUtils__/runCli';

const FIXTURE = 'src/__fixtures__/policy-gaps';

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(
    resolve(FIXTURES_DIR, 'policy-gaps', file),
    'utf8',
  ).split('\n');
  const index = lines.findIndex(line => line.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

function checkEnforce(format: string) {
  return runCli([
    'check',
    '--catalog',
    `${FIXTURE}/catalog-info.yaml`,
    '--program',
    'istio-adoption',
    '--target-phase',
    'enforce',
    '--format',
    format,
    '--now',
    FIXED_NOW,
  ]);
}

describe('mesh-readiness check: policy consistency at the enforce gate', () => {
  const run = checkEnforce('text');

  it('exits 1 for the enforce target', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
  });

  it('fails sec.mtls.strict on the wildcard DestinationRule with DISABLE, at its tls mode line', () => {
    const block = run.stdout.split('\nFAIL sec.mtls.strict ')[1]?.split('\n');
    expect(block?.[0]).toContain('[enforce, required]');
    expect(block?.[2]).toBe(
      `    - ${FIXTURE}/k8s/mesh-policy.yaml:${lineOf(
        'k8s/mesh-policy.yaml',
        'mode: DISABLE',
      )}: DestinationRule legacy-plaintext (host *.local) sends plaintext to Deployment orders-api (port 80); PeerAuthentication default makes it STRICT, which accepts only Istio mTLS: every request is rejected (KIA0208)`,
    );
  });

  it('fails sec.authz.deny on the principal whose ServiceAccount is absent, at the principal line', () => {
    const block = run.stdout.split('\nFAIL sec.authz.deny ')[1]?.split('\n');
    expect(block?.[0]).toContain('[enforce, required]');
    expect(block?.[2]).toBe(
      `    - ${FIXTURE}/k8s/authorization.yaml:${lineOf(
        'k8s/authorization.yaml',
        '- cluster.local/ns/orders/sa/checkout-worker',
      )}: AuthorizationPolicy orders-api-callers: principal cluster.local/ns/orders/sa/checkout-worker names a ServiceAccount that does not exist: no ServiceAccount checkout-worker in namespace orders, which these manifests deploy to or declare (KIA0106)`,
    );
  });

  it('carries the same findings in the JSON scorecard', () => {
    const json = checkEnforce('json');
    const card = JSON.parse(json.stdout);
    const byId = (id: string) =>
      card.checks.find((c: { checkId: string }) => c.checkId === id);
    expect(byId('sec.mtls.strict')).toMatchObject({
      status: 'fail',
      findings: [
        expect.objectContaining({
          level: 'fail',
          code: 'KIA0208',
          file: `${FIXTURE}/k8s/mesh-policy.yaml`,
          line: lineOf('k8s/mesh-policy.yaml', 'mode: DISABLE'),
        }),
      ],
    });
    expect(byId('sec.authz.deny').findings).toContainEqual(
      expect.objectContaining({
        level: 'fail',
        code: 'KIA0106',
        file: `${FIXTURE}/k8s/authorization.yaml`,
        line: lineOf(
          'k8s/authorization.yaml',
          '- cluster.local/ns/orders/sa/checkout-worker',
        ),
      }),
    );
  });
});
