import fs from 'fs';
import path from 'path';
import { listAnalyzers } from '../checks/registry';
import type { Program } from '../types';
import { DEFAULT_PROGRAM_IDS } from './defaultPrograms';
import { loadProgram } from './loadProgram';
import { parse as parseYaml } from 'yaml';

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const PROGRAMS_DIR = path.join(PACKAGE_DIR, 'programs');

/** Scaffolder templates shipped in templates/ that the programs refer to. */
const SAMPLE_TEMPLATES = [
  'istio-namespace-injection',
  'istio-peerauthentication-strict',
  'istio-authorizationpolicy-allow-nothing',
  'istio-destinationrule-resilience',
  'linkerd-namespace-injection',
  'linkerd-server-authorization',
  'k8s-poddisruptionbudget',
  'istio-sidecar-egress',
  'istio-virtualservice-timeouts',
  'gamma-httproute',
  'istio-waypoint',
  'istio-authorizationpolicy-targetrefs',
];

/** Check ids of shared/checks.md, with the meshes each row applies to. */
const CATALOGUE_CHECKS: Record<string, Array<'istio' | 'linkerd'>> = {
  'cat.owner': ['istio', 'linkerd'],
  'cat.k8s-link': ['istio', 'linkerd'],
  'cat.manifests': ['istio', 'linkerd'],
  'k8s.inject.ns': ['istio', 'linkerd'],
  'k8s.inject.present': ['istio', 'linkerd'],
  'k8s.pod.hostnet': ['istio', 'linkerd'],
  'k8s.pod.uid': ['istio', 'linkerd'],
  'k8s.pod.netadmin': ['istio', 'linkerd'],
  'k8s.pod.foreign-sidecar': ['istio', 'linkerd'],
  'k8s.pod.satoken': ['linkerd'],
  'k8s.pod.udp': ['istio', 'linkerd'],
  'k8s.pod.ports': ['istio', 'linkerd'],
  'k8s.svc.protocol': ['istio', 'linkerd'],
  'k8s.svc.server-first': ['istio', 'linkerd'],
  'k8s.svc.multi': ['istio', 'linkerd'],
  'k8s.svc.target': ['istio', 'linkerd'],
  'k8s.svc.headless': ['istio', 'linkerd'],
  'k8s.labels': ['istio', 'linkerd'],
  'k8s.identity': ['istio', 'linkerd'],
  'k8s.probes': ['istio', 'linkerd'],
  'k8s.probes.mesh': ['istio', 'linkerd'],
  'k8s.startup': ['istio', 'linkerd'],
  'k8s.shutdown': ['istio', 'linkerd'],
  'k8s.resources': ['istio', 'linkerd'],
  'k8s.availability': ['istio', 'linkerd'],
  'mesh.dr.valid': ['istio'],
  'mesh.dr.resilience': ['istio', 'linkerd'],
  'mesh.vs.timeouts': ['istio', 'linkerd'],
  'mesh.vs.valid': ['istio'],
  'mesh.egress': ['istio'],
  'sec.mtls.observed': ['istio', 'linkerd'],
  'sec.mtls.strict': ['istio', 'linkerd'],
  'sec.mtls.callers': ['istio', 'linkerd'],
  'sec.authz.deny': ['istio', 'linkerd'],
  'sec.authz.dryrun': ['istio', 'linkerd'],
  'sec.egress.tls': ['istio'],
  'obs.metrics': ['istio', 'linkerd'],
  'obs.tracing': ['istio', 'linkerd'],
  'obs.golden': ['istio', 'linkerd'],
  'ops.drift': ['istio', 'linkerd'],
  // DESIGN §5a "Declared versus observed", not a row of shared/checks.md.
  'ops.declared.observed': ['istio', 'linkerd'],
};

function loadDefault(id: string) {
  return loadProgram(
    fs.readFileSync(path.join(PROGRAMS_DIR, `${id}.yaml`), 'utf8'),
    `programs/${id}.yaml`,
  );
}

describe.each(DEFAULT_PROGRAM_IDS.map(id => [id]))('default program %s', id => {
  const result = loadDefault(id);

  it('loads without problems', () => {
    expect(
      result.ok
        ? []
        : result.problems.map(
            p => `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`,
          ),
    ).toEqual([]);
  });
  if (!result.ok) {
    return;
  }
  const program: Program = result.program;
  const mesh = program.spec.mesh;
  const analyzers = new Map(listAnalyzers().map(a => [a.id, a]));
  const playbooks = new Map(program.spec.playbooks.map(p => [p.id, p]));
  const templates = new Map(program.spec.templates.map(t => [t.id, t]));

  it('is named after its file and targets its mesh', () => {
    expect(program.metadata.name).toBe(id);
    expect(id.startsWith(mesh)).toBe(true);
    expect(program.spec.appliesTo).toEqual({
      kinds: ['Component'],
      types: ['service'],
    });
    expect(program.spec.phases.map(p => p.id)).toEqual([
      'pilot',
      'expand',
      'enforce',
      'sustain',
    ]);
  });

  it('has every check of the catalogue that applies to its mesh', () => {
    const expected = Object.entries(CATALOGUE_CHECKS)
      .filter(([, meshes]) => meshes.includes(mesh))
      .map(([checkId]) => checkId)
      .sort();
    expect(program.spec.checks.map(c => c.id).sort()).toEqual(expected);
  });

  it('runs every check with an analyzer of the engine that supports the mesh', () => {
    for (const check of program.spec.checks) {
      const analyzer = analyzers.get(check.analyzer);
      expect({ check: check.id, analyzer: analyzer?.id }).toEqual({
        check: check.id,
        analyzer: check.analyzer,
      });
      expect(analyzer!.mesh).toContain(mesh);
      for (const source of analyzer!.evidence) {
        expect(check.evidence).toContain(source);
      }
    }
  });

  it('gives every check and checklist item a playbook with upstream references', () => {
    for (const item of [...program.spec.checks, ...program.spec.checklist]) {
      const playbook = playbooks.get(item.playbook ?? '');
      expect({ item: item.id, playbook: playbook?.id }).toEqual({
        item: item.id,
        playbook: item.id,
      });
      // The playbook view of the frontend plugin, fed by the pages shipped
      // in this package (playbooks/<id>/index.md), so the link works in any app.
      const page = item.id.replace(/\./g, '-');
      expect(playbook!.url).toBe(`/mesh-readiness/playbooks/${page}`);
      expect(
        fs.existsSync(path.join(PACKAGE_DIR, 'playbooks', page, 'index.md')),
      ).toBe(true);
      expect(playbook!.references?.length).toBeGreaterThan(0);
      for (const reference of playbook!.references ?? []) {
        expect(reference).toMatch(/^https:\/\//);
      }
    }
    const upstream =
      mesh === 'istio' ? 'https://istio.io/' : 'https://linkerd.io/';
    const meshItems = program.spec.playbooks.filter(p =>
      p.references?.some(r => r.startsWith(upstream)),
    );
    expect(meshItems.length).toBeGreaterThan(program.spec.playbooks.length / 2);
  });

  it('has the nine manual checklist items', () => {
    expect(program.spec.checklist.map(i => i.id).sort()).toEqual([
      'manual.dependency-map',
      'manual.exception-register',
      'manual.load-test',
      'manual.on-call',
      'manual.rollback-plan',
      'manual.runbook',
      'manual.security-review',
      'manual.slo',
      'manual.strict-change-approval',
    ]);
  });

  it('refers only to templates it defines, and defines only templates it uses', () => {
    const referenced = new Set(
      [...program.spec.checks, ...program.spec.checklist]
        .map(item => item.template)
        .filter((t): t is string => t !== undefined),
    );
    expect([...referenced].sort()).toEqual([...templates.keys()].sort());
    const refs = [...templates.values()].filter(t => t.templateRef);
    const fragments = [...templates.values()].filter(t => !t.templateRef);
    for (const template of refs) {
      const name = template.templateRef!.replace('template:default/', '');
      expect(SAMPLE_TEMPLATES).toContain(name);
      // Shipped in this package and registered by one catalog location.
      expect(
        fs.existsSync(
          path.join(PACKAGE_DIR, 'templates', name, 'template.yaml'),
        ),
      ).toBe(true);
      // The fallback where an app has not registered the templates.
      expect({ template: template.id, fragment: template.fragment }).toEqual({
        template: template.id,
        fragment: expect.stringMatching(/^apiVersion: |^# /),
      });
    }
    for (const template of fragments) {
      expect(template.fragment).toMatch(/\S/);
    }
    expect(refs.length).toBeGreaterThanOrEqual(mesh === 'istio' ? 5 : 3);
  });

  it('has a pilot and an enforce wave for the sample teams', () => {
    expect(
      program.spec.waves.map(w => [w.targetPhase, w.dueDate.slice(0, 4)]),
    ).toEqual([
      ['pilot', '2027'],
      ['enforce', '2027'],
    ]);
    const groups = new Set(program.spec.waves.flatMap(w => w.groups ?? []));
    expect([...groups].sort()).toEqual([
      'group:default/data-team',
      'group:default/identity-team',
      'group:default/payments-team',
      'group:default/platform-team',
      'group:default/storefront-team',
    ]);
  });
});

/*
 * Every shipped program, the opt-in ones included: each templateRef names a
 * Scaffolder template of templates/, and templates/all.yaml (the one catalog
 * location an app registers) lists every template folder.
 */
describe('the shipped Scaffolder templates', () => {
  const TEMPLATES_DIR = path.join(PACKAGE_DIR, 'templates');
  const folders = fs
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();

  it('are each registered by templates/all.yaml', () => {
    const location = parseYaml(
      fs.readFileSync(path.join(TEMPLATES_DIR, 'all.yaml'), 'utf8'),
    ) as { kind: string; spec: { targets: string[] } };
    expect(location.kind).toBe('Location');
    expect([...location.spec.targets].sort()).toEqual(
      folders.map(name => `./${name}/template.yaml`),
    );
    expect([...SAMPLE_TEMPLATES].sort()).toEqual(folders);
  });

  it.each(folders.map(name => [name]))(
    '%s is a Scaffolder template named after its folder that renders its skeleton',
    name => {
      const template = parseYaml(
        fs.readFileSync(
          path.join(TEMPLATES_DIR, name, 'template.yaml'),
          'utf8',
        ),
      ) as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: {
          type: string;
          steps: Array<{ action: string; input?: { url?: string } }>;
        };
      };
      expect({
        apiVersion: template.apiVersion,
        kind: template.kind,
        name: template.metadata.name,
        type: template.spec.type,
      }).toEqual({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        name,
        type: 'policy-fragment',
      });
      const render = template.spec.steps.find(
        step => step.action === 'fetch:template',
      );
      expect(render?.input?.url).toBe('./skeleton');
      expect(
        fs.readdirSync(path.join(TEMPLATES_DIR, name, 'skeleton')).length,
      ).toBeGreaterThan(0);
    },
  );

  const shipped = fs
    .readdirSync(PROGRAMS_DIR)
    .filter(file => file.endsWith('.yaml'))
    .sort();
  it.each(shipped.map(file => [file]))(
    '%s refers only to shipped templates, with a fragment to fall back on',
    file => {
      const result = loadProgram(
        fs.readFileSync(path.join(PROGRAMS_DIR, file), 'utf8'),
        `programs/${file}`,
      );
      if (!result.ok) throw new Error(result.problems[0].message);
      for (const template of result.program.spec.templates) {
        if (!template.templateRef) continue;
        expect({
          template: template.id,
          ref: template.templateRef,
          fragment: template.fragment,
        }).toEqual({
          template: template.id,
          ref: `template:default/${template.id}`,
          fragment: expect.stringMatching(/^apiVersion: |^# /),
        });
        expect(folders).toContain(template.id);
      }
    },
  );

  it('offers the Gateway API route first for route timeouts in the Istio programs', () => {
    for (const id of ['istio-adoption', 'istio-ambient-adoption']) {
      const result = loadDefault(id);
      if (!result.ok) throw new Error(result.problems[0].message);
      const check = result.program.spec.checks.find(
        c => c.id === 'mesh.vs.timeouts',
      );
      expect({ id, template: check?.template }).toEqual({
        id,
        template: 'gamma-httproute',
      });
      expect(check?.remediation).toMatch(/^Add an HTTPRoute/);
    }
  });
});
