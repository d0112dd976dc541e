import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The Mesh Readiness page (`/mesh-readiness` by default).
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'mesh-readiness',
});
