import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { writeTree } from '../__testUtils__/fixtures';
import { loadSeed, parseSeed } from './SeedLoader';

jest.setTimeout(60_000);

const SEED = `attestations:
  - entityRef: component:default/payments-service
    programId: istio-adoption
    itemId: manual.on-call
    attestedBy: user:default/ana
    role: owner
    evidenceUrl: https://wiki.example.com/on-call
  - entityRef: component:default/payments-service
    programId: istio-adoption
    itemId: manual.slo
    attestedBy: user:default/ana
    role: owner
    attestedAt: 2025-01-01T00:00:00Z
    comment: deliberately expired
waivers:
  - entityRef: component:default/payments-service
    programId: istio-adoption
    itemId: k8s.probes
    justification: Batch job without HTTP endpoint
    requestedBy: user:default/ana
    approvedBy: user:default/lead
    expiresAt: 2027-06-30T00:00:00Z
`;

describe('seed', () => {
  it('parses attestations and approved waivers with stable ids', () => {
    const now = '2026-11-01T00:00:00.000Z';
    const seed = parseSeed(SEED, 'seed.yaml', now);
    expect(seed.attestations.map(a => [a.itemId, a.attestedAt])).toEqual([
      ['manual.on-call', now],
      ['manual.slo', '2025-01-01T00:00:00.000Z'],
    ]);
    expect(seed.waivers[0]).toMatchObject({
      state: 'approved',
      decidedBy: 'user:default/lead',
      expiresAt: '2027-06-30T00:00:00.000Z',
    });
    expect(parseSeed(SEED, 'seed.yaml', now).attestations[0].id).toBe(
      seed.attestations[0].id,
    );
  });

  it('reports every problem with its place', () => {
    expect(() =>
      parseSeed(
        'attestations:\n  - entityRef: x\n    role: ceo\nwaivers:\n  - expiresAt: soon\n',
        'seed.yaml',
        '2026-11-01T00:00:00.000Z',
      ),
    ).toThrow(
      /seed\.yaml: .*missing required field "programId" in attestations\[0\];.*attestations\[0\]\.role: "ceo" is not one of owner, security, platform;.*waivers\[0\]\.expiresAt: "soon" is not a date-time/,
    );
  });

  const databases = createTestDatabases();
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('loads only into empty tables, and nothing from a bad file', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const store = new DatabaseStore(knex);
      const logger = mockServices.logger.mock();
      const dir = writeTree({
        'good.yaml': SEED,
        'bad.yaml': 'attestations: 5\n',
      });

      expect(
        await loadSeed({ file: path.join(dir, 'bad.yaml'), store, logger }),
      ).toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(
          /attestations: must be a list, found the number 5/,
        ),
      );
      expect(await store.hasNoAttestationsOrWaivers()).toBe(true);

      expect(
        await loadSeed({ file: path.join(dir, 'good.yaml'), store, logger }),
      ).toEqual({
        attestations: 2,
        waivers: 1,
      });
      expect(
        await loadSeed({ file: path.join(dir, 'good.yaml'), store, logger }),
      ).toBeUndefined();
      expect(await store.listAttestations({})).toHaveLength(2);
      expect(await store.listWaivers({})).toHaveLength(1);
      await knex.destroy();
    });
  });
});
