import {
  mockCredentials,
  type TestBackend,
  type TestDatabaseId,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import request from 'supertest';
import type { sampleOrganisation } from '../../../__testUtils__/fixtures';
import { specCheckedRequest } from '../../../__testUtils__/specValidation';
import {
  API_BASE,
  startRouterTestBackend,
} from '../../../__testUtils__/startRouterTestBackend';

/*
 * The backends the route tests run against: one on a test database whose
 * every response is checked against the OpenAPI spec, and one whose
 * permission framework refuses everything.
 */

/** The API of a backend started for the tests of a `describe` block. */
export interface SpecCheckedBackend {
  /** A supertest agent whose every response is checked against the spec. */
  api(): ReturnType<typeof request>;
}

/**
 * A router test backend on one of the test databases, for the tests of the
 * calling `describe` block: started before them (the plugin migrates the
 * database on start, then `seed` writes what the tests read) and stopped
 * after them. A response of `api()` that does not match the spec fails the
 * test that got it; a block that checked no response at all fails too, so
 * that the guard cannot silently guard nothing.
 */
export function specCheckedBackendOnDatabase(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: {
    /** Makes the organisation; by default the sample organisation. */
    organisation?: () => ReturnType<typeof sampleOrganisation>;
    /** Writes what the tests read into the migrated database. */
    seed?: (knex: Knex) => Promise<void>;
  } = {},
): SpecCheckedBackend {
  let knex: Knex | undefined;
  let backend: TestBackend | undefined;
  const problems: string[] = [];
  const checked = { count: 0 };

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ backend } = await startRouterTestBackend({
      knex,
      organisation: options.organisation?.(),
    }));
    await options.seed?.(knex);
  });

  afterAll(async () => {
    await backend?.stop();
    await knex?.destroy();
    if (checked.count === 0) {
      throw new Error('no response was checked against the spec');
    }
  });

  afterEach(() => {
    const found = problems.splice(0);
    if (found.length > 0) {
      throw new Error(`responses do not match the spec:\n${found.join('\n')}`);
    }
  });

  return {
    api: () => {
      if (!backend) {
        throw new Error('the backend is started before the tests only');
      }
      return specCheckedRequest(request, backend.server, problems, checked);
    },
  };
}

/**
 * GETs each path (under the plugin's base path) as a signed-in user of a
 * backend whose permission framework refuses everything: each path with
 * the status and the error message it was answered with.
 */
export async function getWithEveryPermissionDenied(
  paths: string[],
): Promise<Array<{ path: string; status: number; message?: string }>> {
  const { backend } = await startRouterTestBackend({
    permissions: AuthorizeResult.DENY,
  });
  try {
    const answers = [];
    for (const path of paths) {
      const res = await request(backend.server)
        .get(`${API_BASE}${path}`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      answers.push({
        path,
        status: res.status,
        message: res.body.error?.message,
      });
    }
    return answers;
  } finally {
    await backend.stop();
  }
}

/**
 * What `getWithEveryPermissionDenied` must give for a path: 403, naming
 * the scorecard read permission.
 */
export function refusedForScorecardRead(path: string) {
  return {
    path,
    status: 403,
    message: expect.stringMatching(/mesh-readiness\.scorecard\.read/),
  };
}
