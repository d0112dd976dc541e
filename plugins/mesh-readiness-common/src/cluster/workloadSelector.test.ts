import { workloadSelectorOf } from './workloadSelector';

const entity = (annotations: Record<string, string>) => ({
  metadata: { annotations },
});

describe('workloadSelectorOf', () => {
  it('selects pods labelled with the kubernetes-id', () => {
    expect(
      workloadSelectorOf(entity({ 'backstage.io/kubernetes-id': 'checkout' })),
    ).toEqual({
      status: 'ok',
      selector: {
        requirements: [
          {
            key: 'backstage.io/kubernetes-id',
            operator: 'in',
            values: ['checkout'],
          },
        ],
        namespace: undefined,
        source: 'backstage.io/kubernetes-id: checkout',
      },
    });
  });

  it('prefers the label selector, as the Kubernetes plugin does, and restricts to the namespace', () => {
    const result = workloadSelectorOf(
      entity({
        'backstage.io/kubernetes-id': 'checkout',
        'backstage.io/kubernetes-label-selector': 'app in (checkout)',
        'backstage.io/kubernetes-namespace': 'shop',
      }),
    );
    expect(result).toEqual({
      status: 'ok',
      selector: {
        requirements: [{ key: 'app', operator: 'in', values: ['checkout'] }],
        namespace: 'shop',
        source:
          'backstage.io/kubernetes-label-selector: app in (checkout) in namespace shop',
      },
    });
  });

  it('is not joinable without either annotation', () => {
    expect(
      workloadSelectorOf(
        entity({ 'backstage.io/kubernetes-namespace': 'shop' }),
      ),
    ).toEqual({
      status: 'not-joinable',
      reason:
        'the entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
    });
    expect(workloadSelectorOf({ metadata: {} }).status).toBe('not-joinable');
  });

  it('names the annotation that is malformed', () => {
    expect(
      workloadSelectorOf(
        entity({ 'backstage.io/kubernetes-label-selector': 'app in (a' }),
      ),
    ).toEqual({
      status: 'invalid',
      reason:
        'backstage.io/kubernetes-label-selector "app in (a" is not a label selector: expected "," or ")" at position 10, found the end',
    });
    expect(
      workloadSelectorOf(entity({ 'backstage.io/kubernetes-id': 'check out' })),
    ).toEqual({
      status: 'invalid',
      reason:
        "backstage.io/kubernetes-id \"check out\" cannot be a label value: label value \"check out\" may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    });
    expect(
      workloadSelectorOf(
        entity({
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-namespace': 'Shop_1',
        }),
      ),
    ).toEqual({
      status: 'invalid',
      reason:
        'backstage.io/kubernetes-namespace "Shop_1" is not a namespace name (lower case letters, digits and \'-\', at most 63)',
    });
  });
});
