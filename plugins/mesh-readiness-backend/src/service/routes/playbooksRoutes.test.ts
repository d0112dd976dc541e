import fs from 'node:fs';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { loadProgram } from '@mesh-readiness/plugin-mesh-readiness-common';
import request from 'supertest';
import type { Server } from 'node:http';
import { meshReadinessPlugin } from '../../plugin';
import { specCheckedRequest } from '../../__testUtils__/specValidation';

jest.setTimeout(60_000);

const BASE = '/api/mesh-readiness';
const user = mockCredentials.user.header('user:default/alice');
const commonDir = path.dirname(
  require.resolve('@mesh-readiness/plugin-mesh-readiness-common/package.json'),
);

describe('shipped playbooks API', () => {
  let server: Server;
  let stop: () => Promise<void>;
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        meshReadinessPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: { meshReadiness: { evaluation: { enabled: false } } },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop();
    // Guards the guard: responses were actually checked against the spec.
    if (checked.count === 0) {
      throw new Error('no response was checked against the spec');
    }
  });

  afterEach(() => {
    const problems = specProblems.splice(0);
    if (problems.length > 0) {
      throw new Error(
        `responses do not match the spec:\n${problems.join('\n')}`,
      );
    }
  });

  it('serves a page for every playbook link of the shipped programs', async () => {
    const programsDir = path.join(commonDir, 'programs');
    const ids = new Set<string>();
    for (const file of fs.readdirSync(programsDir)) {
      const text = fs.readFileSync(path.join(programsDir, file), 'utf8');
      const loaded = loadProgram(text, file);
      if (!loaded.ok) {
        throw new Error(`${file}: ${JSON.stringify(loaded.problems)}`);
      }
      for (const playbook of loaded.program.spec.playbooks) {
        const match = /^\/mesh-readiness\/playbooks\/([a-z0-9-]+)$/.exec(
          playbook.url,
        );
        expect({ playbook: playbook.id, url: match?.[0] }).toEqual({
          playbook: playbook.id,
          url: playbook.url,
        });
        ids.add(match![1]);
      }
    }
    expect(ids.size).toBeGreaterThan(40);
    for (const id of ids) {
      const res = await api()
        .get(`${BASE}/playbooks/${id}`)
        .set('Authorization', user);
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
      expect(res.body.id).toBe(id);
      expect(res.body.title).not.toBe(id);
      expect(res.body.markdown).toMatch(/^# /);
    }
  });

  it('returns the page with its first heading as the title', async () => {
    const res = await api()
      .get(`${BASE}/playbooks/k8s-probes`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const markdown = fs.readFileSync(
      path.join(commonDir, 'playbooks', 'k8s-probes', 'index.md'),
      'utf8',
    );
    expect(res.body).toEqual({
      id: 'k8s-probes',
      title: /^# (.+)$/m.exec(markdown)![1],
      markdown,
    });
  });

  it('lists every page, the overview included, ordered by id', async () => {
    const res = await api().get(`${BASE}/playbooks`).set('Authorization', user);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((p: { id: string }) => p.id);
    expect(ids).toContain('index');
    expect(ids).toContain('k8s-probes');
    expect(ids).toEqual(
      [...ids].sort((a: string, b: string) => a.localeCompare(b)),
    );
    const folders = fs
      .readdirSync(path.join(commonDir, 'playbooks'), { withFileTypes: true })
      .filter(e => e.isDirectory());
    expect(ids).toHaveLength(folders.length + 1);
  });

  it('answers an unknown playbook with 404 and a malformed id with 400', async () => {
    const missing = await api()
      .get(`${BASE}/playbooks/no-such-page`)
      .set('Authorization', user);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'no playbook "no-such-page" is shipped',
    );

    const malformed = await api()
      .get(`${BASE}/playbooks/K8s_Probes`)
      .set('Authorization', user);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /playbookId "K8s_Probes" is not a playbook id/,
    );
  });

  it('needs a signed-in caller', async () => {
    const res = await api()
      .get(`${BASE}/playbooks/k8s-probes`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});
