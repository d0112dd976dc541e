import {
  groupAncestryOf,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from './errors';
import { resolveTargetPhase } from './targetPhase';

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

const document = (name: string, owner?: string) => ({
  ref: `component:default/${name}`,
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: owner ? { owner } : {},
  },
});

describe('resolveTargetPhase', () => {
  it('takes the first wave by due date whose target is not reached', () => {
    expect(
      resolveTargetPhase(program, document('svc', 'team-a'), 'not-started'),
    ).toMatchObject({ phase: 'pilot', reason: 'wave w1, due 2027-03-31' });
    expect(
      resolveTargetPhase(program, document('svc', 'group:team-a'), 'pilot'),
    ).toMatchObject({ phase: 'enforce', reason: 'wave w2, due 2027-09-30' });
  });

  it("keeps the last wave's target once every target is reached", () => {
    expect(
      resolveTargetPhase(program, document('svc', 'team-a'), 'enforce').phase,
    ).toBe('enforce');
  });

  it("resolves the owner in the entity's namespace, as the portal does", () => {
    const inPayments = {
      ref: 'component:payments/svc',
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'svc', namespace: 'payments' },
        spec: { owner: 'team-a' },
      },
    };
    // group:payments/team-a is not the waves' group:default/team-a.
    expect(resolveTargetPhase(program, inPayments, 'not-started').reason).toBe(
      'the first phase; the entity is in no wave',
    );
    const withPaymentsWave = {
      ...program,
      spec: {
        ...program.spec,
        waves: [
          ...program.spec.waves!,
          {
            id: 'payments',
            title: 'Payments',
            targetPhase: 'expand',
            dueDate: '2027-05-31',
            groups: ['group:payments/team-a'],
          },
        ],
      },
    } as Program;
    expect(
      resolveTargetPhase(withPaymentsWave, inPayments, 'not-started'),
    ).toMatchObject({
      phase: 'expand',
      reason: 'wave payments, due 2027-05-31',
    });
  });

  it('finds waves listing the entity itself', () => {
    expect(
      resolveTargetPhase(program, document('solo'), 'not-started').phase,
    ).toBe('expand');
  });

  it("counts waves of the owner's ancestor groups", () => {
    const ancestorsOf = groupAncestryOf([
      {
        kind: 'Group',
        metadata: { name: 'team-a-child' },
        spec: { parent: 'team-a' },
      },
    ]);
    expect(
      resolveTargetPhase(program, document('svc', 'team-a-child'), 'pilot', {
        ancestorsOf,
      }),
    ).toMatchObject({ phase: 'enforce', reason: 'wave w2, due 2027-09-30' });
  });

  it('falls back to the first phase outside any wave', () => {
    expect(
      resolveTargetPhase(program, document('svc', 'team-b'), 'not-started'),
    ).toEqual({
      phase: 'pilot',
      reason: 'the first phase; the entity is in no wave',
    });
  });

  it('prefers --target-phase and rejects unknown phases', () => {
    expect(
      resolveTargetPhase(program, document('svc'), 'not-started', {
        option: 'enforce',
      }).phase,
    ).toBe('enforce');
    expect(() =>
      resolveTargetPhase(program, document('svc'), 'not-started', {
        option: 'sustain',
      }),
    ).toThrow(InputError);
  });
});
