import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from './errors';
import { phaseReached, resolveTargetPhase } from './targetPhase';

const program = {
  apiVersion: 'mesh-readiness.io/v1alpha1',
  kind: 'Program',
  metadata: { name: 'p', title: 'P', version: '1' },
  spec: {
    mesh: 'istio',
    appliesTo: { kinds: ['Component'] },
    phases: [
      { id: 'pilot', title: 'Pilot' },
      { id: 'expand', title: 'Expand' },
      { id: 'enforce', title: 'Enforce' },
    ],
    checks: [],
    checklist: [],
    playbooks: [],
    templates: [],
    waves: [
      {
        id: 'w1',
        title: 'W1',
        targetPhase: 'pilot',
        dueDate: '2027-03-31',
        groups: ['group:default/team-a'],
      },
      {
        id: 'w2',
        title: 'W2',
        targetPhase: 'enforce',
        dueDate: '2027-09-30',
        groups: ['team-a'],
      },
      {
        id: 'w3',
        title: 'W3',
        targetPhase: 'expand',
        dueDate: '2027-06-30',
        entities: ['component:default/solo'],
      },
    ],
  },
} as Program;

const entity = (name: string, owner?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: owner ? { owner } : {},
});

describe('resolveTargetPhase', () => {
  it('takes the nearest wave not yet due among the owner group waves', () => {
    expect(
      resolveTargetPhase(
        program,
        entity('svc', 'team-a'),
        '2027-01-01T00:00:00Z',
      ),
    ).toMatchObject({
      phase: 'pilot',
      reason: 'wave w1, due 2027-03-31',
    });
    expect(
      resolveTargetPhase(
        program,
        entity('svc', 'group:team-a'),
        '2027-04-01T00:00:00Z',
      ).phase,
    ).toBe('enforce');
  });

  it('keeps the last wave once every wave is past due', () => {
    expect(
      resolveTargetPhase(
        program,
        entity('svc', 'team-a'),
        '2028-01-01T00:00:00Z',
      ).phase,
    ).toBe('enforce');
  });

  it('finds waves listing the entity itself', () => {
    expect(
      resolveTargetPhase(program, entity('solo'), '2027-01-01T00:00:00Z').phase,
    ).toBe('expand');
  });

  it('falls back to the first phase outside any wave', () => {
    expect(
      resolveTargetPhase(
        program,
        entity('svc', 'team-b'),
        '2027-01-01T00:00:00Z',
      ),
    ).toEqual({
      phase: 'pilot',
      reason: 'the first phase; the entity is in no wave',
    });
  });

  it('prefers --target-phase and rejects unknown phases', () => {
    expect(
      resolveTargetPhase(
        program,
        entity('svc'),
        '2027-01-01T00:00:00Z',
        'enforce',
      ).phase,
    ).toBe('enforce');
    expect(() =>
      resolveTargetPhase(
        program,
        entity('svc'),
        '2027-01-01T00:00:00Z',
        'sustain',
      ),
    ).toThrow(InputError);
  });
});

describe('phaseReached', () => {
  it('orders phases as the program lists them, not-started below all', () => {
    expect(phaseReached(program, 'expand', 'pilot')).toBe(true);
    expect(phaseReached(program, 'expand', 'expand')).toBe(true);
    expect(phaseReached(program, 'expand', 'enforce')).toBe(false);
    expect(phaseReached(program, 'not-started', 'pilot')).toBe(false);
  });
});
