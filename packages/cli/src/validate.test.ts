import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './__testUtils__/runCli';

describe('mesh-readiness validate', () => {
  it('exits 0 and summarises a valid program', () => {
    const run = runCli([
      'validate',
      'src/__fixtures__/programs/fixture-program.yaml',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'src/__fixtures__/programs/fixture-program.yaml: valid — fixture-adoption 1.2 (istio): 3 phases, 6 checks, 1 checklist item\n',
    );
  });

  it('exits 1 and prints file:line:column path: message for a broken program', () => {
    const run = runCli([
      'validate',
      'src/__fixtures__/programs/broken-program.yaml',
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        'src/__fixtures__/programs/broken-program.yaml:18:14 spec.checks[0].phase: phase "sustain" does not exist; the program\'s phases are pilot',
        'src/__fixtures__/programs/broken-program.yaml: 1 problem',
        '',
      ].join('\n'),
    );
  });

  it('reports a YAML syntax error with its position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-validate-'));
    try {
      const file = join(dir, 'bad-yaml-program.yaml');
      writeFileSync(
        file,
        'apiVersion: mesh-readiness.io/v1alpha1\nkind: Program\nmetadata:\n  name: bad-yaml\n  title: [unclosed\n',
      );
      const run = runCli(['validate', file]);
      expect(run.status).toBe(1);
      expect(run.stdout.startsWith(`${file}:`)).toBe(true);
      expect(run.stdout).toMatch(
        /^.+bad-yaml-program\.yaml:\d+:\d+: YAML syntax error: /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates every file and exits 1 when one of several is invalid', () => {
    const run = runCli([
      'validate',
      'src/__fixtures__/programs/fixture-program.yaml',
      'src/__fixtures__/programs/broken-program.yaml',
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('fixture-program.yaml: valid');
    expect(run.stdout).toContain('broken-program.yaml: 1 problem');
  });

  it('exits 2 for a missing file and still validates the others', () => {
    const run = runCli([
      'validate',
      'src/__fixtures__/programs/missing.yaml',
      'src/__fixtures__/programs/broken-program.yaml',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "mesh-readiness: cannot read program file 'src/__fixtures__/programs/missing.yaml': no such file\n",
    );
    expect(run.stdout).toContain('broken-program.yaml: 1 problem');
  });

  it('exits 2 without a file to validate', () => {
    const run = runCli(['validate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no program file given');
  });
});
