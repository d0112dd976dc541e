import { FIXTURE_PROGRAM, runCli } from './__testUtils__/runCli';

describe('mesh-readiness explain', () => {
  it('explains what a check looks at, why, how to fix it and where to read more', () => {
    const run = runCli([
      'explain',
      'k8s.pod.uid',
      '--program',
      FIXTURE_PROGRAM,
      '--portal-url',
      'https://portal.example.com/',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const text = run.stdout;
    expect(text).toContain('k8s.pod.uid — No container runs as UID 1337');
    expect(text).toContain(
      'Program fixture-adoption 1.2 (istio); phase pilot, required',
    );
    expect(text).toContain('Evidence: manifests');
    expect(text).toMatch(
      /Analyzer: k8s\.pod\.uid — .+ \(meshes: istio, linkerd\)/,
    );
    expect(text).toContain('Upstream rules: IST0144');
    expect(text).toContain('Why\n  UID 1337 is reserved for the proxy.');
    expect(text).toContain('How to fix\n  Change runAsUser to another UID.');
    expect(text).toContain('Template: Run as the application user');
    expect(text).toContain('runAsUser: 1000');
    expect(text).toContain(
      'Playbook: Free UID 1337 — https://portal.example.com/docs/default/component/mesh-readiness-playbooks/k8s-pod-uid/',
    );
    expect(text).toContain(
      'Reference: https://istio.io/latest/docs/ops/deployment/application-requirements/',
    );
  });

  it('keeps relative playbook links relative without a portal URL', () => {
    const run = runCli([
      'explain',
      'cat.manifests',
      '--program',
      FIXTURE_PROGRAM,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'Playbook: Declare the manifests — /docs/default/component/mesh-readiness-playbooks/cat-manifests/',
    );
  });

  it('explains checklist items too', () => {
    const run = runCli([
      'explain',
      'security-review',
      '--program',
      FIXTURE_PROGRAM,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'security-review — Security posture review (checklist item, attested in the portal)',
    );
    expect(run.stdout).toContain('Attested by: security; expires after P180D');
  });

  it('exits 2 for an unknown id and lists the near matches', () => {
    const run = runCli([
      'explain',
      'k8s.pod.uuid',
      '--program',
      FIXTURE_PROGRAM,
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "mesh-readiness: unknown check 'k8s.pod.uuid' in fixture-adoption; did you mean: k8s.pod.uid?\n",
    );
    const prefix = runCli(['explain', 'k8s.pod', '--program', FIXTURE_PROGRAM]);
    expect(prefix.status).toBe(2);
    expect(prefix.stderr).toContain(
      'did you mean: k8s.pod.hostnet, k8s.pod.ports, k8s.pod.uid?',
    );
  });

  it('lists the known ids when nothing is close', () => {
    const run = runCli([
      'explain',
      'completely-different',
      '--program',
      FIXTURE_PROGRAM,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "unknown check 'completely-different' in fixture-adoption",
    );
    expect(run.stderr).toContain(
      'known ids: cat.manifests, cat.owner, k8s.inject.present',
    );
  });
});
