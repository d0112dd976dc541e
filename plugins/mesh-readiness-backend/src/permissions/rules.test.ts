import { component } from '../__testUtils__/fixtures';
import {
  isEntityOwner,
  meshReadinessEntityConditions,
  ownersOf,
} from './rules';

describe('IS_ENTITY_OWNER', () => {
  const entity = component('svc', { owner: 'team-a' });

  it('allows the owners of the entity, case-insensitively', () => {
    expect(ownersOf(entity)).toEqual(['group:default/team-a']);
    expect(
      isEntityOwner.apply(entity, {
        claims: ['user:default/alice', 'group:default/Team-A'],
      }),
    ).toBe(true);
  });

  it('denies everyone else', () => {
    expect(
      isEntityOwner.apply(entity, { claims: ['user:default/alice'] }),
    ).toBe(false);
    expect(isEntityOwner.apply(entity, { claims: [] })).toBe(false);
  });

  it('builds conditions for policies', () => {
    expect(
      meshReadinessEntityConditions.isEntityOwner({
        claims: ['group:default/team-a'],
      }),
    ).toEqual({
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'mesh-readiness-entity',
      params: { claims: ['group:default/team-a'] },
    });
  });
});
