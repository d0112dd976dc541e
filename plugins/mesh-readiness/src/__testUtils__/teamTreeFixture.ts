import { rest } from 'msw';
import type { setupServer } from 'msw/node';
import type { GroupRollup, ScorecardSummary } from '../api/MeshReadinessApi';
import { BASE_URL, groupRollup } from './fixtures';

/**
 * A team with a child team and a neighbour team, each group with its
 * descendants as the catalog resolves them.
 */
export const teamTree: Record<string, string[]> = {
  'group:default/team-a': [
    'group:default/team-a',
    'group:default/team-a-ledger',
  ],
  'group:default/team-a-ledger': ['group:default/team-a-ledger'],
  'group:default/team-b': ['group:default/team-b'],
};

function summary(name: string, owner: string, phase: string): ScorecardSummary {
  return {
    entityRef: `component:default/${name}`,
    programId: 'istio-adoption',
    programVersion: '1.2.0',
    owner,
    phase,
    nextPhase: phase === 'pilot' ? 'expand' : 'enforce',
    progress: { passed: 0, total: 2, ratio: 0 },
    failingChecks: 1,
    stale: false,
    evaluatedAt: '2026-11-20T10:00:00.000Z',
    factsTimestamp: '2026-11-20T09:59:00.000Z',
  };
}

/** Every scored service of the organisation. */
export const teamTreeServices: ScorecardSummary[] = [
  summary('payments', 'group:default/team-a', 'pilot'),
  summary('checkout', 'group:default/team-a', 'expand'),
  summary('ledger', 'group:default/team-a-ledger', 'expand'),
  summary('ledger-audit', 'group:default/team-a-ledger', 'expand'),
  summary('ledger-api', 'group:default/team-a-ledger', 'pilot'),
  summary('search', 'group:default/team-b', 'expand'),
];

/**
 * Team A's rollup as the backend counts it: its own services and its child
 * team's (2 in Pilot, 3 in Expand).
 */
export const teamARollup: GroupRollup = {
  ...groupRollup,
  groups: teamTree['group:default/team-a'],
  services: teamTreeServices.filter(s =>
    teamTree['group:default/team-a'].includes(s.owner!),
  ),
  phaseDistribution: [
    { phase: 'not-started', count: 0 },
    { phase: 'pilot', count: 2 },
    { phase: 'expand', count: 3 },
  ],
  blockers: [],
  regressions: [],
};

/**
 * `GET /scorecards` over {@link teamTreeServices} with the backend's owner
 * rule: exactly the owner, or with `includeChildGroups=true` the owner and
 * its descendants; and the phase filter. Returns the queries it got.
 */
export function serveTeamTreeScorecards(
  server: ReturnType<typeof setupServer>,
): URLSearchParams[] {
  const queries: URLSearchParams[] = [];
  server.use(
    rest.get(`${BASE_URL}/scorecards`, (req, res, ctx) => {
      const query = req.url.searchParams;
      queries.push(query);
      const owner = query.get('owner');
      const owners = owner
        ? (query.get('includeChildGroups') === 'true' && teamTree[owner]) || [
            owner,
          ]
        : undefined;
      const phase = query.get('phase');
      const items = teamTreeServices.filter(
        s =>
          (!owners || owners.includes(s.owner!)) &&
          (!phase || s.phase === phase),
      );
      return res(
        ctx.json({
          items,
          totalCount: items.length,
          offset: 0,
          limit: Number(query.get('limit') ?? 25),
        }),
      );
    }),
  );
  return queries;
}
