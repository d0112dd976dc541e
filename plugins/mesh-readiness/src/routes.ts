import { createRouteRef } from '@backstage/core-plugin-api';

/** The Mesh Readiness page (`/mesh-readiness` by default). */
export const rootRouteRef = createRouteRef({
  id: 'mesh-readiness',
});
