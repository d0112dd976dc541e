import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_PROGRAM_YAML, writeTree } from '../__testUtils__/fixtures';
import { displayLocation, ProgramRegistry } from './ProgramRegistry';

const HOST = 'programs.example.com';

describe('ProgramRegistry', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const urlReader = UrlReaders.default({
    config: new ConfigReader({
      backend: { reading: { allow: [{ host: HOST }] } },
    }),
    logger: mockServices.logger.mock(),
  });

  it('loads programs from files and URLs', async () => {
    server.use(
      rest.get(`https://${HOST}/linkerd.yaml`, (_req, res, ctx) =>
        res(
          ctx.text(
            TEST_PROGRAM_YAML.replace(
              'name: istio-adoption',
              'name: linkerd-adoption',
            ).replace('mesh: istio', 'mesh: linkerd'),
          ),
        ),
      ),
    );
    const file = path.join(
      writeTree({ 'p.yaml': TEST_PROGRAM_YAML }),
      'p.yaml',
    );
    const registry = ProgramRegistry.fromConfig({
      config: new ConfigReader({
        meshReadiness: {
          programs: [
            { location: file },
            { location: `https://${HOST}/linkerd.yaml` },
          ],
        },
      }),
      urlReader,
      logger: mockServices.logger.mock(),
    });
    const list = await registry.reload();
    expect(list.map(p => [p.id, p.status, p.inForce, p.mesh])).toEqual([
      ['istio-adoption', 'valid', true, 'istio'],
      ['linkerd-adoption', 'valid', true, 'linkerd'],
    ]);
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'x',
        annotations: { 'mesh-readiness.io/mesh': 'linkerd' },
      },
      spec: { type: 'service' },
    };
    expect(registry.selectProgram(entity)?.metadata.name).toBe(
      'linkerd-adoption',
    );
    expect(
      registry.selectProgram({ ...entity, metadata: { name: 'y' } })?.metadata
        .name,
    ).toBe('istio-adoption');
    expect(
      registry.selectProgram({ ...entity, spec: { type: 'library' } }),
    ).toBeUndefined();
  });

  it('reports an invalid program with every problem and keeps the last good version', async () => {
    const dir = writeTree({ 'p.yaml': TEST_PROGRAM_YAML });
    const file = path.join(dir, 'p.yaml');
    const logger = mockServices.logger.mock();
    const registry = new ProgramRegistry([file], urlReader, logger);
    await registry.reload();
    expect(registry.get('istio-adoption')?.metadata.version).toBe('1.0.0');

    fs.writeFileSync(
      file,
      TEST_PROGRAM_YAML.replace("version: '1.0.0'", "version: '2.0.0'")
        .replace('analyzer: k8s.probes', 'analyzer: no.such.analyzer')
        .replace(
          'phase: expand\n      severity: required\n      evidence: [manifests]\n      analyzer: k8s.resources',
          'phase: nowhere\n      severity: required\n      evidence: [manifests]\n      analyzer: k8s.resources',
        ),
    );
    const [status] = await registry.reload();
    expect(status.status).toBe('invalid');
    expect(status.inForce).toBe(true);
    expect(status.version).toBe('1.0.0');
    expect(status.problems.length).toBeGreaterThanOrEqual(2);
    for (const problem of status.problems) {
      // Outside the working directory: the file name, never the full path.
      expect(problem.file).toBe(path.basename(file));
      expect(problem.line).toBeGreaterThan(1);
      expect(problem.path).toMatch(/^spec\.checks\[\d+\]\./);
    }
    expect(registry.get('istio-adoption')?.metadata.version).toBe('1.0.0');
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('version 1.0.0 loaded at'),
    );

    fs.rmSync(file);
    const [gone] = await registry.reload();
    expect(gone.status).toBe('unreadable');
    expect(gone.inForce).toBe(true);

    fs.writeFileSync(
      file,
      TEST_PROGRAM_YAML.replace("version: '1.0.0'", "version: '3.0.0'"),
    );
    const [fixed] = await registry.reload();
    expect([fixed.status, fixed.version, fixed.problems]).toEqual([
      'valid',
      '3.0.0',
      [],
    ]);
  });

  it('rejects a second program with the same id', async () => {
    const dir = writeTree({
      'a.yaml': TEST_PROGRAM_YAML,
      'b.yaml': TEST_PROGRAM_YAML,
    });
    const registry = new ProgramRegistry(
      [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')],
      urlReader,
      mockServices.logger.mock(),
    );
    const [a, b] = await registry.reload();
    expect(a.status).toBe('valid');
    expect(b.status).toBe('invalid');
    expect(b.inForce).toBe(false);
    expect(b.problems[0].message).toMatch(/already defined by/);
    expect(registry.programs()).toHaveLength(1);
  });

  it('uses the shipped default programs when none is configured', () => {
    const registry = ProgramRegistry.fromConfig({
      config: new ConfigReader({}),
      urlReader,
      logger: mockServices.logger.mock(),
    });
    expect(registry.list().map(p => path.basename(p.location))).toEqual([
      'istio-adoption.yaml',
      'linkerd-adoption.yaml',
    ]);
  });

  it('security: shows locations without absolute paths or URL credentials', () => {
    const cwd = path.join(path.sep, 'srv', 'portal');
    expect(displayLocation('programs/a.yaml', cwd)).toBe('programs/a.yaml');
    expect(displayLocation('file:./programs/a.yaml', cwd)).toBe(
      'file:./programs/a.yaml',
    );
    expect(displayLocation(path.join(cwd, 'programs', 'a.yaml'), cwd)).toBe(
      path.join('programs', 'a.yaml'),
    );
    expect(
      displayLocation(`file:${path.join(path.sep, 'etc', 'a.yaml')}`, cwd),
    ).toBe('file:a.yaml');
    expect(
      displayLocation(`https://bot:s3cret@${HOST}/programs/a.yaml`, cwd),
    ).toBe(`https://${HOST}/programs/a.yaml`);
    expect(displayLocation(`url:https://${HOST}/a.yaml?ref=main`, cwd)).toBe(
      `url:https://${HOST}/a.yaml?ref=main`,
    );
    const registry = ProgramRegistry.fromConfig({
      config: new ConfigReader({}),
      urlReader,
      logger: mockServices.logger.mock(),
    });
    expect(registry.list().map(p => p.location)).toEqual([
      '@mesh-readiness/plugin-mesh-readiness-common/programs/istio-adoption.yaml',
      '@mesh-readiness/plugin-mesh-readiness-common/programs/linkerd-adoption.yaml',
    ]);
  });
});
