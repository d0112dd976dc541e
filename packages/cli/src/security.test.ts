import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_NOW, runCli } from './__testUtils__/runCli';
import { InputError } from './errors';
import { expandGlob } from './inputs/glob';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: picked-service
spec:
  ports:
    - name: http
      port: 80
`;

/**
 * A temporary folder with a repository (`repo/`, holding `.git`, a service
 * folder with its catalog file and manifests) and a folder outside it that
 * holds a secret.
 */
function layout(annotations: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-security-'));
  const repo = join(dir, 'repo');
  const service = join(repo, 'services/picked');
  const outside = join(dir, 'outside');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(service, 'k8s'), { recursive: true });
  mkdirSync(join(repo, 'shared'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(service, 'k8s/service.yaml'), SERVICE);
  writeFileSync(join(repo, 'shared/service.yaml'), SERVICE);
  writeFileSync(join(outside, 'secret.yaml'), 'password: SECRET-VALUE\n');
  const catalog = join(service, 'catalog-info.yaml');
  writeFileSync(
    catalog,
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: picked-service',
      ...(Object.keys(annotations).length > 0 ? ['  annotations:'] : []),
      ...Object.entries(annotations).map(
        ([key, value]) => `    ${key}: '${value}'`,
      ),
      'spec:',
      '  type: service',
      '  owner: group:default/payments-team',
      '',
    ].join('\n'),
  );
  return { dir, repo, service, outside, catalog };
}

function check(catalog: string, args: string[], cwd: string) {
  const started = Date.now();
  const run = runCli(
    ['check', '--catalog', catalog, '--now', FIXED_NOW, ...args],
    { cwd },
  );
  return { ...run, ms: Date.now() - started };
}

describe('mesh-readiness check: what it reads and refuses', () => {
  const dirs: string[] = [];
  const setUp = (annotations: Record<string, string> = {}) => {
    const created = layout(annotations);
    dirs.push(created.dir);
    return created;
  };
  afterAll(() =>
    dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })),
  );

  it('security: /dev/zero as a manifest exits 2 in under 2 seconds', () => {
    const { service, catalog } = setUp();
    const run = check(catalog, ['/dev/zero'], service);
    expect(run.status).toBe(2);
    expect(run.ms).toBeLessThan(2000);
    expect(run.stderr).toContain(
      "manifest path '/dev/zero' is outside the root folder",
    );
  });

  it('security: /dev/zero is refused as not a regular file even with --root /', () => {
    const { service, catalog } = setUp();
    const run = check(catalog, ['--root', '/', '/dev/zero'], service);
    expect(run.status).toBe(2);
    expect(run.ms).toBeLessThan(2000);
    expect(run.stderr).toContain(
      "cannot read manifest file '/dev/zero': it is a device; only regular files are read",
    );
  });

  it('security: /dev/zero as the catalog file exits 2 at once', () => {
    const { service } = setUp();
    const run = check('/dev/zero', [], service);
    expect(run.status).toBe(2);
    expect(run.ms).toBeLessThan(2000);
    expect(run.stderr).toContain(
      "cannot read catalog file '/dev/zero': it is a device; only regular files are read",
    );
  });

  it('security: a FIFO named by the annotation is refused instead of blocking', () => {
    const { service, catalog } = setUp({
      'mesh-readiness.io/manifests': 'k8s/pipe.yaml',
    });
    execFileSync('mkfifo', [join(service, 'k8s/pipe.yaml')]);
    const run = check(catalog, [], service);
    expect(run.status).toBe(2);
    expect(run.ms).toBeLessThan(2000);
    expect(run.stderr).toContain(
      "cannot read manifest file 'k8s/pipe.yaml': it is a FIFO; only regular files are read",
    );
  });

  it('security: an absolute path in the manifests annotation is refused', () => {
    const { service, outside, catalog } = setUp();
    const absolute = join(outside, 'secret.yaml');
    const withAbsolute = setUp({ 'mesh-readiness.io/manifests': absolute });
    const run = check(withAbsolute.catalog, [], withAbsolute.service);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `names '${absolute}', which is absolute; its paths are relative to the catalog file's folder`,
    );
    expect(run.stdout + run.stderr).not.toContain('SECRET');
    expect(check(catalog, [], service).status).not.toBe(2);
  });

  it('security: a manifests annotation that climbs out of its folder is refused', () => {
    const { service, catalog } = setUp({
      'mesh-readiness.io/manifests': 'k8s/../../../../outside/secret.yaml',
    });
    const run = check(catalog, [], service);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "names 'k8s/../../../../outside/secret.yaml', which climbs out of it",
    );
    expect(run.stdout + run.stderr).not.toContain('SECRET');
  });

  it('security: a dir: source location that climbs out of the catalog folder is refused', () => {
    const { service, catalog } = setUp({
      'backstage.io/source-location': 'dir:../../..',
      'mesh-readiness.io/manifests': 'outside/secret.yaml',
    });
    const run = check(catalog, [], service);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "is 'dir:../../..', which climbs out of it; it must stay below the catalog file's folder",
    );
    expect(run.stdout + run.stderr).not.toContain('SECRET');
  });

  it('security: a command-line manifest outside --root is refused', () => {
    const { repo, service, outside, catalog } = setUp();
    const run = check(
      catalog,
      ['--root', repo, join(outside, 'secret.yaml')],
      service,
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /manifest path '.*secret\.yaml' is outside the root folder '.*repo'/,
    );
    expect(run.stdout + run.stderr).not.toContain('SECRET');
  });

  it('security: the default root is the repository of the catalog file (the nearest folder with .git)', () => {
    const { service, catalog } = setUp();
    // Inside the repository, above the catalog file's folder: read.
    const inside = check(catalog, ['../../shared/service.yaml'], service);
    expect([0, 1]).toContain(inside.status);
    // Next to the repository: refused.
    const outside = check(catalog, ['../../../outside/secret.yaml'], service);
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('is outside the root folder');
  });

  it('security: a symbolic link that leads out of the repository is refused', () => {
    const { service, outside, catalog } = setUp({
      'mesh-readiness.io/manifests': 'k8s/*.yaml',
    });
    symlinkSync(join(outside, 'secret.yaml'), join(service, 'k8s/leak.yaml'));
    const run = check(catalog, [], service);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "manifest path 'k8s/*.yaml' leads (through a symbolic link) outside the root folder",
    );
    expect(run.stdout + run.stderr).not.toContain('SECRET');
  });

  it('security: invalid UTF-8 in a manifest is an error naming the file and the byte offset', () => {
    const { service, catalog } = setUp({
      'mesh-readiness.io/manifests': 'k8s/*.yaml',
    });
    writeFileSync(
      join(service, 'k8s/latin1.yaml'),
      Buffer.concat([
        Buffer.from('kind: ConfigMap\nname: '),
        Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
        Buffer.from('\n'),
      ]),
    );
    const run = check(catalog, [], service);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "manifest file 'k8s/latin1.yaml' is not valid UTF-8: the first invalid byte is at offset 25",
    );
  });

  it('security: a glob stops after the files and folders it may visit, matched or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-security-'));
    dirs.push(dir);
    for (let folder = 0; folder < 20; folder++) {
      mkdirSync(join(dir, `deep/d${folder}/sub`), { recursive: true });
      for (let file = 0; file < 20; file++) {
        writeFileSync(join(dir, `deep/d${folder}/sub/f${file}.txt`), 'x');
      }
    }
    expect(() => expandGlob('**/*.yaml', dir, 300)).toThrow(
      new InputError(
        "'**/*.yaml' looks at more than 300 files and folders; name a narrower folder",
      ),
    );
    expect(expandGlob('deep/d1/sub/*.txt', dir, 300)).toHaveLength(20);
  });
});
