import type { Program, ProgramWave } from '../types';
import {
  groupAncestryOf,
  isInWave,
  phaseReached,
  wavesOf,
  waveTargetOf,
} from './waveTarget';

function program(waves: ProgramWave[]): Program {
  return {
    apiVersion: 'mesh-readiness.io/v1alpha1',
    kind: 'Program',
    metadata: { name: 'istio-adoption', title: 'Istio', version: '1' },
    spec: {
      mesh: 'istio',
      appliesTo: { kinds: ['Component'] },
      phases: [
        { id: 'pilot', title: 'Pilot' },
        { id: 'expand', title: 'Expand' },
        { id: 'enforce', title: 'Enforce' },
        { id: 'sustain', title: 'Sustain' },
      ],
      checks: [],
      checklist: [],
      playbooks: [],
      templates: [],
      waves,
    },
  };
}

const pilot: ProgramWave = {
  id: 'pilot-2027',
  title: 'Pilot 2027',
  targetPhase: 'pilot',
  dueDate: '2027-03-31',
  groups: ['payments-team'],
};
const enforce: ProgramWave = {
  id: 'enforce-2027',
  title: 'Enforce 2027',
  targetPhase: 'enforce',
  dueDate: '2027-09-30',
  groups: ['group:default/payments-team'],
};
const twoWaves = program([enforce, pilot]);
const payments = {
  entityRef: 'component:default/payments-api',
  ownerRef: 'payments-team',
};

describe('waveTargetOf', () => {
  it('targets the first wave by due date that is not reached yet', () => {
    const target = waveTargetOf(twoWaves, {
      ...payments,
      phase: 'not-started',
    });
    expect(target).toMatchObject({
      targetPhase: 'pilot',
      dueDate: '2027-03-31',
      reached: false,
      phasesToGo: 1,
    });
    expect(target?.wave.id).toBe('pilot-2027');
  });

  it('moves to the next wave once the earlier target is reached', () => {
    const target = waveTargetOf(twoWaves, { ...payments, phase: 'pilot' });
    expect(target?.wave.id).toBe('enforce-2027');
    expect(target).toMatchObject({ reached: false, phasesToGo: 2 });
  });

  it('keeps an overdue wave as the target while it is not reached', () => {
    // The rule has no clock: a wave due last year is still owed.
    const overdue = { ...pilot, id: 'pilot-2020', dueDate: '2020-01-31' };
    const target = waveTargetOf(program([enforce, overdue]), {
      ...payments,
      phase: 'not-started',
    });
    expect(target?.wave.id).toBe('pilot-2020');
  });

  it("is the last wave's target, reached, once every target is reached", () => {
    const target = waveTargetOf(twoWaves, { ...payments, phase: 'sustain' });
    expect(target).toMatchObject({
      targetPhase: 'enforce',
      reached: true,
      phasesToGo: 0,
    });
    expect(target?.wave.id).toBe('enforce-2027');
  });

  it('is undefined for a service in no wave', () => {
    expect(
      waveTargetOf(twoWaves, {
        entityRef: 'component:default/search',
        ownerRef: 'group:default/search-team',
        phase: 'pilot',
      }),
    ).toBeUndefined();
  });
});

describe('wave membership', () => {
  const groups = groupAncestryOf([
    {
      kind: 'Group',
      metadata: { name: 'payments-team' },
      spec: { parent: 'commerce' },
    },
    {
      kind: 'Group',
      metadata: { name: 'card-team' },
      relations: [
        { type: 'childOf', targetRef: 'group:default/payments-team' },
      ],
    },
    {
      kind: 'Group',
      metadata: { name: 'commerce' },
      spec: { children: ['ledger-team'] },
    },
  ]);

  it('includes services of child groups, at any depth', () => {
    expect(groups('group:default/card-team')).toEqual([
      'group:default/payments-team',
      'group:default/commerce',
    ]);
    const cards = {
      entityRef: 'component:default/cards',
      ownerRef: 'card-team',
      ancestorsOf: groups,
    };
    expect(isInWave(pilot, cards)).toBe(true);
    const commerceWave = { ...pilot, groups: ['commerce'] };
    expect(
      isInWave(commerceWave, {
        entityRef: 'component:default/ledger',
        ownerRef: 'group:default/ledger-team',
        ancestorsOf: groups,
      }),
    ).toBe(true);
    // Without the ancestry only the owner itself is compared.
    expect(isInWave(pilot, { ...cards, ancestorsOf: undefined })).toBe(false);
  });

  it('does not include the parent group in a wave naming a child group', () => {
    const cardWave = { ...pilot, groups: ['card-team'] };
    expect(isInWave(cardWave, { ...payments, ancestorsOf: groups })).toBe(
      false,
    );
  });

  it('compares entity refs in canonical form', () => {
    const listed = { ...enforce, groups: [], entities: ['Payments-API'] };
    expect(
      isInWave(listed, { entityRef: 'component:default/payments-api' }),
    ).toBe(true);
    expect(
      isInWave(listed, { entityRef: 'Component:Default/PAYMENTS-API' }),
    ).toBe(true);
    expect(isInWave(listed, { entityRef: 'api:default/payments-api' })).toBe(
      false,
    );
  });

  it('matches nothing with bad refs instead of failing', () => {
    const bad = { ...pilot, groups: ['a:b:c', ''], entities: ['x/y/z'] };
    expect(isInWave(bad, { entityRef: 'x/y/z', ownerRef: 'a:b:c' })).toBe(
      false,
    );
    expect(isInWave(pilot, { entityRef: '', ownerRef: '::' })).toBe(false);
    expect(groups('not a:ref:at all')).toEqual([]);
  });

  it('orders waves by due date, then target phase, then id', () => {
    const sameDay = { ...enforce, id: 'expand-2027', targetPhase: 'expand' };
    const ordered = wavesOf(program([enforce, sameDay, pilot]), payments).map(
      wave => wave.id,
    );
    expect(ordered).toEqual(['pilot-2027', 'expand-2027', 'enforce-2027']);
  });
});

describe('phaseReached', () => {
  it('compares positions in the program order, not-started below all', () => {
    expect(phaseReached(twoWaves, 'enforce', 'expand')).toBe(true);
    expect(phaseReached(twoWaves, 'pilot', 'expand')).toBe(false);
    expect(phaseReached(twoWaves, 'not-started', 'pilot')).toBe(false);
    expect(phaseReached(twoWaves, 'sustain', 'unknown-phase')).toBe(false);
  });
});
