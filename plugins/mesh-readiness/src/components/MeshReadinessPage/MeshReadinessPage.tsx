import {
  Content,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import { useRoutes } from 'react-router-dom';
import { CampaignPage } from '../CampaignView';
import { LibraryTab } from './LibraryTab';
import { MyTeamsTab } from './MyTeamsTab';
import { OverviewTab } from './OverviewTab';
import { PlaybooksTab } from '../PlaybookView';
import { ServicesListView } from '../ServicesList';

/**
 * Props of the Mesh Readiness page.
 *
 * @public
 */
export interface MeshReadinessPageProps {
  /** Page title (default "Mesh Readiness"). */
  title?: string;
  /** Days of trend on the overview (default 30). */
  trendDays?: number;
  /** A blocker failing this many days or more counts as stuck (default 14). */
  stuckAfterDays?: number;
}

/**
 * The organisation's Mesh Readiness page: overview, library, my teams, and
 * the shipped playbooks (`playbooks/<id>`, where the shipped programs link).
 */
export function MeshReadinessPage(props: MeshReadinessPageProps) {
  // A wave's campaign (`campaigns/<programId>/<waveId>`, where notifications
  // link) is a view of its own, without the tabs.
  const campaign = useRoutes([
    { path: 'campaigns/:programId/:waveId', element: <CampaignPage /> },
  ]);
  if (campaign) {
    return (
      <Page themeId="tool">
        <Header
          title={props.title ?? 'Mesh Readiness'}
          subtitle="Campaign of a wave"
        />
        <Content>{campaign}</Content>
      </Page>
    );
  }
  return (
    <Page themeId="tool">
      <Header
        title={props.title ?? 'Mesh Readiness'}
        subtitle="Service mesh adoption, phase by phase"
      />
      <Content>
        <TabbedLayout>
          <TabbedLayout.Route path="/" title="Overview">
            <OverviewTab trendDays={props.trendDays} />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/services" title="Services">
            <ServicesListView />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/library" title="Library">
            <LibraryTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/my-teams" title="My teams">
            <MyTeamsTab stuckAfterDays={props.stuckAfterDays} />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/playbooks" title="Playbooks">
            <PlaybooksTab />
          </TabbedLayout.Route>
        </TabbedLayout>
      </Content>
    </Page>
  );
}
