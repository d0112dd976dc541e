import { identityWorkloadOf } from './callerIdentity';

describe('identityWorkloadOf', () => {
  it('reads Istio SPIFFE ids and Linkerd identities', () => {
    expect(
      identityWorkloadOf('spiffe://cluster.local/ns/shop/sa/frontend'),
    ).toEqual({ namespace: 'shop', serviceAccount: 'frontend' });
    expect(
      identityWorkloadOf(
        'web.books.serviceaccount.identity.linkerd.cluster.local',
      ),
    ).toEqual({ namespace: 'books', serviceAccount: 'web' });
  });

  it('reads nothing from other forms', () => {
    for (const identity of [
      'spiffe://cluster.local/ns/shop',
      'spiffe://cluster.local/ns/shop/sa/frontend/extra',
      'web.books.identity.linkerd.cluster.local',
      'frontend',
      `spiffe://cluster.local/ns/${'a'.repeat(64)}/sa/x`,
    ]) {
      expect(identityWorkloadOf(identity)).toBeUndefined();
    }
  });
});
