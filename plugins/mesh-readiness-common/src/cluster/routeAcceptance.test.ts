import type { SnapshotRoute, SnapshotService } from '../schema/clusterSnapshot';
import { snapshotOf } from './__fixtures__/fixtureSnapshot';
import { IndexedSnapshot } from './clusterIndex';
import { routesForServices } from './routeAcceptance';

const service: SnapshotService = {
  namespace: 'shop',
  name: 'checkout',
  labels: {},
  selector: { app: 'checkout' },
  ports: [{ port: 80 }],
};

function routes(...list: SnapshotRoute[]) {
  return routesForServices(
    new IndexedSnapshot(
      snapshotOf('prod-eu', '2026-12-02T11:00:00Z', { routes: list }),
    ),
    [service],
  );
}

const gamma = (
  name: string,
  parents: SnapshotRoute['parents'],
  namespace = 'shop',
): SnapshotRoute => ({
  kind: 'HTTPRoute',
  namespace,
  name,
  parentRefs: [
    { group: '', kind: 'Service', name: 'checkout', namespace: 'shop' },
  ],
  backendRefs: [{ name: 'checkout', namespace: 'shop' }],
  parents,
});

describe('routesForServices', () => {
  it('accepts a GAMMA route whose Service parent is Accepted with resolved refs', () => {
    expect(
      routes(
        gamma('producer', [
          {
            parentRef: { group: '', kind: 'Service', name: 'checkout' },
            controllerName: 'istio.io/gateway-controller',
            conditions: [
              { type: 'Accepted', status: 'True' },
              { type: 'ResolvedRefs', status: 'True' },
            ],
          },
        ]),
      ),
    ).toEqual([
      {
        cluster: 'prod-eu',
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'producer',
        attachment: 'gamma',
        services: ['shop/checkout'],
        accepted: true,
      },
    ]);
  });

  it('says why a route is not accepted', () => {
    const [consumer] = routes(
      gamma(
        'consumer',
        [
          {
            parentRef: {
              group: '',
              kind: 'Service',
              name: 'checkout',
              namespace: 'shop',
            },
            conditions: [
              {
                type: 'Accepted',
                status: 'False',
                reason: 'UnsupportedValue',
                message: 'ambient: the Service binds no waypoint',
              },
            ],
          },
        ],
        'web',
      ),
    );
    expect(consumer).toMatchObject({
      namespace: 'web',
      accepted: false,
      reason:
        'Accepted=False on parent Service checkout (UnsupportedValue: ambient: the Service binds no waypoint)',
    });
    expect(routes(gamma('unprocessed', []))[0]).toMatchObject({
      accepted: false,
      reason: 'no controller reported status for the route',
    });
  });

  it('judges a route that only sends to the Service by its Gateway parents', () => {
    const ingress: SnapshotRoute = {
      kind: 'GRPCRoute',
      namespace: 'shop',
      name: 'ingress',
      parentRefs: [{ name: 'public', namespace: 'edge' }],
      backendRefs: [{ name: 'checkout', port: 80 }],
      parents: [
        {
          parentRef: { name: 'public', namespace: 'edge' },
          conditions: [{ type: 'Accepted', status: 'True' }],
        },
      ],
    };
    expect(routes(ingress)).toEqual([
      {
        cluster: 'prod-eu',
        kind: 'GRPCRoute',
        namespace: 'shop',
        name: 'ingress',
        attachment: 'backend',
        services: ['shop/checkout'],
        accepted: true,
      },
    ]);
  });

  it('ignores routes to other Services', () => {
    expect(
      routes({
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'cart',
        parentRefs: [{ group: '', kind: 'Service', name: 'cart' }],
        backendRefs: [
          { name: 'cart' },
          { group: 'example.com', kind: 'Service', name: 'checkout' },
        ],
        parents: [],
      }),
    ).toEqual([]);
  });
});
