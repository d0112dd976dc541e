import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { specCheckedRequest } from '../../__testUtils__/specValidation';
import {
  API_BASE,
  startRouterTestBackend,
} from '../../__testUtils__/startRouterTestBackend';
import { TrafficCoverageStore } from '../../database/TrafficCoverageStore';
import { firstDayOf } from './trafficRoutes';

jest.setTimeout(60_000);

const user = mockCredentials.user.header('user:default/alice');
const DAY_MS = 24 * 60 * 60 * 1000;

function dayBefore(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

describe('GET /traffic/coverage', () => {
  const databases = createTestDatabases();

  it('counts the days asked for with today', () => {
    const now = new Date('2026-12-02T17:00:00.000Z');
    expect(firstDayOf(1, now)).toBe('2026-12-02');
    expect(firstDayOf(30, now)).toBe('2026-11-03');
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const problems: string[] = [];
    const checked = { count: 0 };

    afterEach(() => {
      const found = problems.splice(0);
      if (found.length > 0) {
        throw new Error(
          `responses do not match the spec:\n${found.join('\n')}`,
        );
      }
    });

    it('serves the recorded days in the window, oldest first, with their shares', async () => {
      const knex = await databases.init(databaseId);
      const { backend } = await startRouterTestBackend({ knex });
      // The backend migrated the database; write as the recorder would.
      const store = new TrafficCoverageStore(knex);
      const recorded = (day: string, requests: number, mtls: number) =>
        store.record({
          day,
          recordedAt: `${day}T10:00:00.000Z`,
          requests,
          mtlsRequests: mtls,
          connections: 20,
          mtlsConnections: 5,
          entities: 3,
          windowDays: 7,
        });
      await recorded(dayBefore(40), 100, 10);
      await recorded(dayBefore(2), 1000, 750);
      await recorded(dayBefore(1), 0, 0);
      await recorded(dayBefore(0), 1000, 900);
      const api = specCheckedRequest(
        request,
        backend.server,
        problems,
        checked,
      );

      const response = await api
        .get(`${API_BASE}/traffic/coverage?days=30`)
        .set('Authorization', user);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        days: 30,
        points: [
          {
            date: dayBefore(2),
            recordedAt: `${dayBefore(2)}T10:00:00.000Z`,
            requests: 1000,
            mtlsRequests: 750,
            mtlsShare: 0.75,
            connections: 20,
            mtlsConnections: 5,
            connectionsMtlsShare: 0.25,
            entities: 3,
            windowDays: 7,
          },
          // No request observed: no share, rather than 0 % or 100 %.
          expect.not.objectContaining({ mtlsShare: expect.anything() }),
          expect.objectContaining({ date: dayBefore(0), mtlsShare: 0.9 }),
        ],
      });

      const all = await api
        .get(`${API_BASE}/traffic/coverage?days=365`)
        .set('Authorization', user);
      expect(all.body.points).toHaveLength(4);

      const defaultWindow = await api
        .get(`${API_BASE}/traffic/coverage`)
        .set('Authorization', user);
      expect(defaultWindow.body.days).toBe(30);
      expect(defaultWindow.body.points).toHaveLength(3);

      // Bad input: a 400 naming the parameter.
      const bad = await api
        .get(`${API_BASE}/traffic/coverage?days=0`)
        .set('Authorization', user);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/days/);

      const anonymous = await api
        .get(`${API_BASE}/traffic/coverage`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      await backend.stop();
      expect(checked.count).toBeGreaterThan(0);
    });

    it('needs the scorecard read permission', async () => {
      const knex = await databases.init(databaseId);
      const { backend } = await startRouterTestBackend({
        knex,
        permissions: AuthorizeResult.DENY,
      });
      const response = await specCheckedRequest(
        request,
        backend.server,
        problems,
      )
        .get(`${API_BASE}/traffic/coverage`)
        .set('Authorization', user);
      expect(response.status).toBe(403);
      expect(response.body.error.message).toMatch(
        /mesh-readiness\.scorecard\.read/,
      );
      await backend.stop();
    });
  });
});
