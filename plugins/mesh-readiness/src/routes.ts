import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The Mesh Readiness page (`/mesh-readiness` by default).
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'mesh-readiness',
});

/**
 * The filtered list of services on the Mesh Readiness page
 * (`/mesh-readiness/services?program=&phase=&owner=&includeChildGroups=&system=&domain=&wave=&check=&checkStatus=`),
 * where every aggregate drills down to.
 *
 * @public
 */
export const servicesRouteRef = createSubRouteRef({
  id: 'mesh-readiness/services',
  parent: rootRouteRef,
  path: '/services',
});
