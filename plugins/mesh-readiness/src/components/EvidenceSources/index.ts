export { EvidenceSources } from './EvidenceSources';
