import { useParams } from 'react-router-dom';
import { CampaignView } from './CampaignView';

/** The campaign view of the wave the route names. */
export function CampaignPage() {
  const { programId = '', waveId = '' } = useParams();
  return <CampaignView programId={programId} waveId={waveId} />;
}
