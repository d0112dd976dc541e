import { expect, test, type APIRequestContext } from '@playwright/test';

/*
 * The Mesh Readiness actions in the running sample portal: listed under the
 * plugin's actions endpoint, offered as tools by the MCP actions backend
 * (app-config.yaml lists mesh-readiness under backend.actions.pluginSources),
 * answering as the REST API does and refused by the sample portal's policy
 * as REST is. Nothing is written: the waiver request is one the policy
 * refuses.
 */

const BACKEND = 'http://localhost:7007';
const ACTIONS = `${BACKEND}/api/mesh-readiness/.backstage/actions/v1/actions`;

/**
 * The backend's answer once it is up: the development backend restarts when
 * a source file changes, so a request may find it down for a while.
 */
async function whenUp<T>(call: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await expect(async () => {
    result = await call();
  }).toPass({ timeout: 240_000, intervals: [2_000] });
  return result!;
}

/** A Backstage token of a sample user, as the sign-in page gets it. */
async function tokenOf(request: APIRequestContext, user: string) {
  const res = await whenUp(async () => {
    const answer = await request.get(
      `${BACKEND}/api/auth/sample-user/refresh`,
      {
        headers: {
          'x-sample-user': user,
          'x-requested-with': 'XMLHttpRequest',
        },
      },
    );
    expect(answer.status()).toBe(200);
    return answer;
  });
  return ((await res.json()) as { backstageIdentity: { token: string } })
    .backstageIdentity.token;
}

test.setTimeout(600_000);

test('mcp actions: listed, offered to MCP clients, answering as REST with its permissions', async ({
  request,
}) => {
  const jonas = {
    Authorization: `Bearer ${await tokenOf(request, 'jonas-weber')}`,
  };

  const listed = await request.get(ACTIONS, { headers: jonas });
  expect(listed.status()).toBe(200);
  const ids = (
    (await listed.json()) as { actions: Array<{ id: string }> }
  ).actions
    .map(a => a.id)
    .sort();
  expect(ids).toEqual([
    'mesh-readiness:evaluate-manifests',
    'mesh-readiness:explain-check',
    'mesh-readiness:get-scorecard',
    'mesh-readiness:list-failing-checks',
    'mesh-readiness:request-waiver',
  ]);

  // The scorecard the entity tab shows.
  // After a (re)start the first evaluation has to store it.
  const rest = await whenUp(async () => {
    const answer = await request.get(
      `${BACKEND}/api/mesh-readiness/scorecards/component/default/fraud-scoring`,
      { headers: jonas },
    );
    expect(answer.status()).toBe(200);
    return answer;
  });
  const stored = (await rest.json()).scorecard;
  const invoked = await request.post(
    `${ACTIONS}/mesh-readiness:get-scorecard/invoke`,
    { headers: jonas, data: { entityRef: 'component:default/fraud-scoring' } },
  );
  expect(invoked.status(), await invoked.text()).toBe(200);
  const { output } = await invoked.json();
  expect(output.phase).toBe(stored.phase);
  expect(output.checks.map((c: { status: string }) => c.status)).toEqual(
    stored.checks.map((c: { status: string }) => c.status),
  );

  // The MCP actions backend offers them as tools (streamable HTTP, stateless).
  const mcp = await request.post(`${BACKEND}/api/mcp-actions/v1`, {
    headers: { ...jonas, Accept: 'application/json, text/event-stream' },
    data: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
  });
  expect(mcp.status()).toBe(200);
  const text = await mcp.text();
  const data = text.split('\n').find(line => line.startsWith('data: '));
  const tools = JSON.parse(data ? data.slice(6) : text).result.tools as Array<{
    name: string;
  }>;
  expect(tools.map(t => t.name)).toEqual(
    expect.arrayContaining([
      'mesh-readiness.get-scorecard',
      'mesh-readiness.list-failing-checks',
      'mesh-readiness.explain-check',
      'mesh-readiness.evaluate-manifests',
      'mesh-readiness.request-waiver',
    ]),
  );

  // Sofia does not own fraud-scoring: the sample policy's owner condition,
  // resolved by the backend, refuses her waiver request as POST /waivers does.
  const sofia = {
    Authorization: `Bearer ${await tokenOf(request, 'sofia-rossi')}`,
  };
  const refused = await request.post(
    `${ACTIONS}/mesh-readiness:request-waiver/invoke`,
    {
      headers: sofia,
      data: {
        entityRef: 'component:default/fraud-scoring',
        programId: stored.programId,
        itemId: stored.checks[0].checkId,
        justification: 'Not her service.',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
  );
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toBe(
    'mesh-readiness.waiver.request is not allowed on component:default/fraud-scoring',
  );
});
