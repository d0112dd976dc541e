import {
  EntityRefError,
  entityRefOf,
  normalizeEntityRef,
  ownerRefOf,
  specEntityRef,
  tryNormalizeEntityRef,
} from './entityRef';

describe('entity refs', () => {
  it('writes an entity ref as the catalog does', () => {
    expect(
      entityRefOf({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'Payments', namespace: 'Shop' },
      }),
    ).toBe('component:shop/payments');
  });

  it('fills the kind by context and the namespace with default', () => {
    const owner = { field: 'spec.owner', defaultKind: 'group' };
    expect(normalizeEntityRef('team-a', owner)).toBe('group:default/team-a');
    expect(normalizeEntityRef(' Group:Ops/Team-A ', owner)).toBe(
      'group:ops/team-a',
    );
    expect(
      normalizeEntityRef('team-a', { ...owner, defaultNamespace: 'ops' }),
    ).toBe('group:ops/team-a');
  });

  it('names the field and says what is wrong', () => {
    expect(() =>
      normalizeEntityRef('payments', { field: 'entityRef' }),
    ).toThrow(
      'entityRef: "payments" is not an entity ref; write kind:namespace/name, e.g. component:default/my-name',
    );
    expect(() =>
      normalizeEntityRef('component:default/bad name', { field: '--entity' }),
    ).toThrow(
      '--entity: "component:default/bad name" is not an entity ref: name "bad name" is not a valid entity name',
    );
    expect(() =>
      normalizeEntityRef('user:default/ana', {
        field: 'approverGroup',
        kinds: ['group'],
      }),
    ).toThrow('approverGroup: "user:default/ana" is a user; expected a group');
    const thrown = (() => {
      try {
        return normalizeEntityRef('', { field: 'owner', defaultKind: 'group' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(EntityRefError);
    expect((thrown as EntityRefError).field).toBe('owner');
  });

  it('is undefined instead of an error where a bad ref matches nothing', () => {
    expect(tryNormalizeEntityRef('team-a', 'group')).toBe(
      'group:default/team-a',
    );
    expect(tryNormalizeEntityRef('::', 'group')).toBeUndefined();
    expect(tryNormalizeEntityRef('', 'group')).toBeUndefined();
    expect(tryNormalizeEntityRef(undefined, 'group')).toBeUndefined();
  });

  it("resolves a spec's ref in the entity's namespace, as the catalog does", () => {
    const inPayments = {
      metadata: { namespace: 'payments' },
      spec: { owner: 'team-a', system: 'checkout', domain: 'domain:commerce' },
    };
    expect(ownerRefOf(inPayments)).toBe('group:payments/team-a');
    expect(specEntityRef(inPayments, 'system', 'system')).toBe(
      'system:payments/checkout',
    );
    expect(specEntityRef(inPayments, 'domain', 'domain')).toBe(
      'domain:payments/commerce',
    );
    expect(
      ownerRefOf({ metadata: {}, spec: { owner: 'user:ops/sofia' } }),
    ).toBe('user:ops/sofia');
    expect(ownerRefOf({ metadata: {}, spec: { owner: 42 } })).toBeUndefined();
    expect(ownerRefOf({ metadata: {} })).toBeUndefined();
  });
});
