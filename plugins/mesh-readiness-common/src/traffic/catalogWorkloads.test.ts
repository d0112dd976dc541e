import { catalogWorkloadIndex } from './catalogWorkloads';

const entity = (entityRef: string, annotations: Record<string, string>) => ({
  entityRef,
  entity: { metadata: { annotations } },
});

describe('catalogWorkloadIndex', () => {
  const index = catalogWorkloadIndex([
    entity('component:default/web', { 'backstage.io/kubernetes-id': 'web' }),
    entity('component:default/api', {
      'backstage.io/kubernetes-label-selector': 'app.kubernetes.io/name=api',
      'backstage.io/kubernetes-namespace': 'shop',
    }),
    entity('component:default/api-eu', {
      'backstage.io/kubernetes-id': 'api',
      'backstage.io/kubernetes-namespace': 'eu',
    }),
    entity('component:default/twin-a', {
      'backstage.io/kubernetes-id': 'twin',
    }),
    entity('component:default/twin-b', {
      'backstage.io/kubernetes-id': 'twin',
    }),
    entity('component:default/plain', {}),
  ]);

  it('resolves a caller by workload name, preferring the entity pinned to its namespace', () => {
    expect(index.size).toBe(5);
    expect(index.resolve('web', 'anywhere')).toBe('component:default/web');
    expect(index.resolve('api', 'shop')).toBe('component:default/api');
    expect(index.resolve('api', 'eu')).toBe('component:default/api-eu');
    // Pinned elsewhere: not this caller.
    expect(index.resolve('api', 'other')).toBeUndefined();
  });

  it('resolves nothing when several entities claim the workload, or none', () => {
    expect(index.resolve('twin', 'default')).toBeUndefined();
    expect(index.resolve('ghost', 'default')).toBeUndefined();
  });
});
