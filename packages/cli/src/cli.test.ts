import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_DIR, runCli } from './__testUtils__/runCli';

describe('mesh-readiness', () => {
  it('prints its version', () => {
    const { version } = JSON.parse(
      readFileSync(resolve(PACKAGE_DIR, 'package.json'), 'utf8'),
    );
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('prints usage with --help and exits 2 without a command', () => {
    expect(runCli(['--help'])).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('Commands:'),
    });
    const bare = runCli([]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('Usage: mesh-readiness <command>');
  });

  it('exits 2 on an unknown command', () => {
    const run = runCli(['scan']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "mesh-readiness: unknown command 'scan'; expected check, validate, explain or collect\n",
    );
  });

  it('prints the help of each command', () => {
    for (const command of ['check', 'validate', 'explain', 'collect']) {
      const run = runCli([command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Usage: mesh-readiness ${command}`);
    }
  });
});
