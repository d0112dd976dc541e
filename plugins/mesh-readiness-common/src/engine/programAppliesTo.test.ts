import type { EntityFacts, Program } from '../types';
import { programAppliesTo, selectProgramFor } from './programAppliesTo';

function program(
  name: string,
  mesh: Program['spec']['mesh'],
  appliesTo: Program['spec']['appliesTo'],
): Program {
  return {
    apiVersion: 'mesh-readiness.io/v1alpha1',
    kind: 'Program',
    metadata: { name, title: name, version: '1' },
    spec: {
      mesh,
      appliesTo,
      phases: [{ id: 'pilot', title: 'Pilot' }],
      checks: [],
      checklist: [],
      playbooks: [],
      templates: [],
      waves: [],
    },
  };
}

function entity(
  kind: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): EntityFacts['entity'] {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'svc', annotations },
    spec,
  };
}

const istio = program('istio-adoption', 'istio', {
  kinds: ['Component'],
  types: ['service'],
});
const linkerd = program('linkerd-adoption', 'linkerd', {
  kinds: ['Component'],
  types: ['service'],
});

describe('programAppliesTo', () => {
  it('matches kind and type case-insensitively', () => {
    expect(
      programAppliesTo(istio, entity('Component', { type: 'service' })),
    ).toBe(true);
    expect(
      programAppliesTo(istio, entity('component', { type: 'Service' })),
    ).toBe(true);
    expect(
      programAppliesTo(istio, entity('Component', { type: 'website' })),
    ).toBe(false);
    expect(programAppliesTo(istio, entity('Component', {}))).toBe(false);
    expect(programAppliesTo(istio, entity('API', { type: 'service' }))).toBe(
      false,
    );
  });

  it('treats empty or absent lists as any', () => {
    const any = program('p', 'istio', { kinds: [] });
    expect(
      programAppliesTo(any, entity('Resource', { type: 'database' })),
    ).toBe(true);
    const lifecycle = program('p', 'istio', {
      kinds: ['Component'],
      lifecycles: ['production'],
    });
    expect(
      programAppliesTo(
        lifecycle,
        entity('Component', { lifecycle: 'production' }),
      ),
    ).toBe(true);
    expect(
      programAppliesTo(
        lifecycle,
        entity('Component', { lifecycle: 'experimental' }),
      ),
    ).toBe(false);
  });
});

describe('selectProgramFor', () => {
  const programs = [istio, linkerd];
  it('follows the program annotation, then the mesh annotation, then istio-adoption', () => {
    expect(
      selectProgramFor(
        programs,
        entity(
          'Component',
          { type: 'service' },
          { 'mesh-readiness.io/program': 'linkerd-adoption' },
        ),
      ),
    ).toBe(linkerd);
    expect(
      selectProgramFor(
        programs,
        entity(
          'Component',
          { type: 'service' },
          { 'mesh-readiness.io/mesh': 'linkerd' },
        ),
      ),
    ).toBe(linkerd);
    expect(
      selectProgramFor(programs, entity('Component', { type: 'service' })),
    ).toBe(istio);
  });

  it('prefers the mesh adoption program when several target the mesh', () => {
    const ambient = program('istio-ambient-adoption', 'istio', {
      kinds: ['Component'],
    });
    const migration = program('istio-sidecar-to-ambient', 'istio', {
      kinds: ['Component'],
    });
    const all = [ambient, migration, istio, linkerd];
    expect(
      selectProgramFor(
        all,
        entity(
          'Component',
          { type: 'service' },
          { 'mesh-readiness.io/mesh': 'istio' },
        ),
      ),
    ).toBe(istio);
    expect(
      selectProgramFor(all, entity('Component', { type: 'service' })),
    ).toBe(istio);
    expect(
      selectProgramFor(
        all,
        entity(
          'Component',
          { type: 'service' },
          { 'mesh-readiness.io/program': 'istio-ambient-adoption' },
        ),
      ),
    ).toBe(ambient);
  });

  it('gives nothing for an unknown program or one that does not apply', () => {
    expect(
      selectProgramFor(
        programs,
        entity(
          'Component',
          { type: 'service' },
          { 'mesh-readiness.io/program': 'nope' },
        ),
      ),
    ).toBeUndefined();
    expect(
      selectProgramFor(programs, entity('Component', { type: 'library' })),
    ).toBeUndefined();
  });
});
