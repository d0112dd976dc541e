import { createSubRouteRef, useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../../routes';

/**
 * The campaign view of a wave on the Mesh Readiness page
 * (`/mesh-readiness/campaigns/<programId>/<waveId>` where the app mounts
 * the page at `/mesh-readiness`; notifications link to that path).
 */
export const campaignRouteRef = createSubRouteRef({
  id: 'mesh-readiness/campaign',
  parent: rootRouteRef,
  path: '/campaigns/:programId/:waveId',
});

/** Builds the link to a wave's campaign view. */
export type CampaignLinkFn = (programId: string, waveId: string) => string;

function useCampaignRoute() {
  try {
    return useRouteRef(campaignRouteRef);
  } catch {
    // The app shows the cards without mounting the Mesh Readiness page:
    // waves are then listed without links. useRouteRef has run all of its
    // own hooks before it throws, so the hook order stays the same.
    return undefined;
  }
}

/**
 * The link to a wave's campaign view wherever the app mounts the Mesh
 * Readiness page; undefined when the page is not mounted.
 */
export function useCampaignLink(): CampaignLinkFn | undefined {
  const route = useCampaignRoute();
  if (!route) {
    return undefined;
  }
  // The route encodes each parameter.
  return (programId, waveId) => route({ programId, waveId });
}
