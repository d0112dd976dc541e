export { CampaignPage } from './CampaignPage';
export { CampaignView } from './CampaignView';
export { campaignRouteRef, useCampaignLink } from './campaignRoute';
export type { CampaignLinkFn } from './campaignRoute';
