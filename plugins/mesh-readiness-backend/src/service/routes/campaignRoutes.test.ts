import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import {
  CAMPAIGN_BURN_UP_NOV_1_TO_8,
  writeCampaignFixture,
} from '../../__testUtils__/campaignFixture';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  component,
  group,
  sampleOrganisation,
  TEST_PROGRAM_YAML,
} from '../../__testUtils__/fixtures';
import { API_BASE as BASE } from '../../__testUtils__/startRouterTestBackend';
import {
  getWithEveryPermissionDenied,
  refusedForScorecardRead,
  specCheckedBackendOnDatabase,
} from './__testUtils__/routeTestBackends';

jest.setTimeout(120_000);

const alice = mockCredentials.user.header('user:default/alice');
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The sample organisation, its program with a second wave: team-a (and so
 * its child team-a-sub) and svc-4 to reach `expand` by the end of March.
 */
function campaignOrganisation() {
  const organisation = sampleOrganisation();
  fs.writeFileSync(
    organisation.programFile,
    `${TEST_PROGRAM_YAML}    - id: expand-wave
      title: Expand wave
      targetPhase: expand
      dueDate: '2027-03-31'
      groups: [group:default/team-a]
      entities: [component:default/svc-4]
`,
  );
  organisation.entities.push(
    component('svc-4', { owner: 'team-b' }),
    group('team-b'),
  );
  return organisation;
}

describe('GET /waves/{programId}/{waveId}/campaign', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const { api } = specCheckedBackendOnDatabase(databases, databaseId, {
      organisation: campaignOrganisation,
      seed: writeCampaignFixture,
    });

    it('serves the burn-up from the history, the services behind with their last activity, and the owners', async () => {
      const res = await api()
        .get(`${BASE}/waves/istio-adoption/expand-wave/campaign`)
        .set('Authorization', alice);
      expect(res.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      const body = res.body;
      expect(body.wave).toEqual({
        id: 'expand-wave',
        title: 'Expand wave',
        programId: 'istio-adoption',
        programTitle: 'Istio adoption (test)',
        targetPhase: 'expand',
        dueDate: '2027-03-31',
      });
      expect(body.start).toBe('2026-11-01');
      expect(body.today).toBe(today);
      expect(body.daysLeft).toBe(
        Math.round((Date.parse('2027-03-31') - Date.parse(today)) / DAY_MS),
      );
      expect({ total: body.total, atTarget: body.atTarget }).toEqual({
        total: 4,
        atTarget: 2,
      });
      // One point a day from the start to today, the history's counts.
      expect(body.series).toHaveLength(
        Math.round((Date.parse(today) - Date.parse('2026-11-01')) / DAY_MS) + 1,
      );
      expect(body.series.slice(0, 8)).toEqual(CAMPAIGN_BURN_UP_NOV_1_TO_8);
      expect(body.series[body.series.length - 1]).toEqual({
        date: today,
        inScope: 4,
        atTarget: 2,
      });
      expect(body.ideal).toEqual([
        { date: '2026-11-01', atTarget: 0 },
        { date: '2027-03-31', atTarget: 4 },
      ]);
      expect(body.behind).toEqual({
        totalCount: 2,
        items: [
          {
            entityRef: 'component:default/svc-4',
            title: 'SVC-4',
            phase: 'not-started',
            failingChecks: 0,
            lastActivity: {
              at: '2026-11-07T12:00:00.000Z',
              kind: 'attestation',
            },
          },
          {
            entityRef: 'component:default/svc-2',
            title: 'SVC-2',
            owner: 'group:default/team-a-sub',
            phase: 'pilot',
            failingChecks: 2,
            lastActivity: { at: '2026-11-08T09:00:00.000Z', kind: 'waiver' },
          },
        ],
      });
      expect(body.owners).toEqual([
        {
          owner: 'group:default/team-a-sub',
          inScope: 1,
          atTarget: 0,
          behind: 1,
        },
        { inScope: 1, atTarget: 0, behind: 1 },
        { owner: 'group:default/team-a', inScope: 2, atTarget: 2, behind: 0 },
      ]);

      const page = await api()
        .get(`${BASE}/waves/istio-adoption/expand-wave/campaign?limit=1`)
        .set('Authorization', alice);
      expect(page.status).toBe(200);
      expect(page.body.behind.totalCount).toBe(2);
      expect(page.body.behind.items).toEqual([body.behind.items[0]]);
    });

    it('counts a wave of groups only by its groups and their child groups', async () => {
      const res = await api()
        .get(`${BASE}/waves/istio-adoption/pilot-wave/campaign`)
        .set('Authorization', alice);
      expect(res.status).toBe(200);
      // svc-1, svc-2 (team-a-sub) and svc-6, all at pilot or beyond.
      expect({ total: res.body.total, atTarget: res.body.atTarget }).toEqual({
        total: 3,
        atTarget: 3,
      });
      expect(res.body.behind).toEqual({ items: [], totalCount: 0 });
      expect(res.body.owners.map((o: any) => o.owner)).toEqual([
        'group:default/team-a',
        'group:default/team-a-sub',
      ]);
    });

    it('answers 404 for a program not in force or a wave it does not have, 400 for malformed ids and limits', async () => {
      const noProgram = await api()
        .get(`${BASE}/waves/linkerd-adoption/expand-wave/campaign`)
        .set('Authorization', alice);
      expect(noProgram.status).toBe(404);
      expect(noProgram.body.error.message).toBe(
        'no program "linkerd-adoption" is in force',
      );
      const noWave = await api()
        .get(`${BASE}/waves/istio-adoption/no-such-wave/campaign`)
        .set('Authorization', alice);
      expect(noWave.status).toBe(404);
      expect(noWave.body.error.message).toBe(
        'program "istio-adoption" has no wave "no-such-wave"',
      );
      for (const [path, field] of [
        ['Istio_Adoption/expand-wave/campaign', 'programId'],
        ['istio-adoption/-wave/campaign', 'waveId'],
        [`istio-adoption/${'w'.repeat(101)}/campaign`, 'waveId'],
        ['istio-adoption/expand-wave/campaign?limit=0', 'limit'],
        ['istio-adoption/expand-wave/campaign?limit=1001', 'limit'],
      ]) {
        const res = await api()
          .get(`${BASE}/waves/${path}`)
          .set('Authorization', alice);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.error.message).toContain(field);
      }
    });
  });

  it('is refused without the scorecard read permission', async () => {
    const paths = ['/waves/istio-adoption/pilot-wave/campaign'];
    expect(await getWithEveryPermissionDenied(paths)).toEqual(
      paths.map(refusedForScorecardRead),
    );
  });
});
