import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import knexFactory, { type Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { CatalogEntityProvider } from '../evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import { ProgramRegistry } from '../programs/ProgramRegistry';
import {
  component,
  group,
  serviceManifests,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../__testUtils__/fixtures';
import { EvaluationService, WRITE_BATCH } from './EvaluationService';

/*
 * The database goes away in the middle of a scheduled evaluation: this test
 * runs its own throwaway PostgreSQL cluster (initdb + pg_ctl, as .ci/run
 * does) so that it can stop it the hard way (`pg_ctl stop -m immediate`,
 * as a crash or a failover would) and start it again.
 */

jest.setTimeout(90_000);

const SERVICES = 600;
const PAGE_SIZE = 100;

/** Where the server binaries of PostgreSQL are (Debian's layout), if any. */
function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const candidates = [
    process.env.MESH_READINESS_TEST_PG_BIN,
    path.join(root, '15', 'bin'),
    ...(fs.existsSync(root)
      ? fs
          .readdirSync(root)
          .sort()
          .reverse()
          .map(v => path.join(root, v, 'bin'))
      : []),
  ];
  return candidates.find(
    dir => dir && fs.existsSync(path.join(dir, 'initdb')),
  ) as string | undefined;
}

const pgBin = findPostgresBin();
const requireServer = process.env.CI === 'true';
if (!pgBin && !requireServer) {
  // eslint-disable-next-line no-console
  console.warn(
    'fault tests skipped: no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql-15 or set MESH_READINESS_TEST_PG_BIN (under CI=true this is a failure)',
  );
}
const describeWithServer = pgBin || requireServer ? describe : describe.skip;

/** A throwaway cluster in a temporary folder on a free port. */
class ThrowawayCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-readiness-pg-'));
  port = 0;

  constructor(private readonly bin: string) {}

  /** initdb and pg_ctl refuse to run as root: run them as `postgres` then. */
  private run(command: string) {
    const asRoot = process.getuid?.() === 0;
    execFileSync(
      asRoot ? 'su' : '/bin/sh',
      asRoot ? ['postgres', '-s', '/bin/sh', '-c', command] : ['-c', command],
      { stdio: 'pipe', timeout: 30_000 },
    );
  }

  async init() {
    if (process.getuid?.() === 0) {
      execFileSync('chown', ['postgres', this.dir]);
    }
    this.port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    this.run(
      `'${this.bin}/initdb' -D '${this.dir}/data' -A trust -U postgres >/dev/null`,
    );
    this.start();
  }

  start() {
    this.run(
      `'${this.bin}/pg_ctl' -D '${this.dir}/data' -l '${this.dir}/log' -o "-p ${this.port} -k '${this.dir}' -c listen_addresses=127.0.0.1" -w start >/dev/null`,
    );
  }

  /** As a crash would: no checkpoint, open transactions die with it. */
  stopImmediately() {
    this.run(
      `'${this.bin}/pg_ctl' -D '${this.dir}/data' -m immediate -w stop >/dev/null`,
    );
  }

  destroy() {
    try {
      this.stopImmediately();
    } catch {
      // Already stopped.
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describeWithServer('fault tolerance on PostgreSQL', () => {
  let cluster: ThrowawayCluster | undefined;
  let knex: Knex | undefined;

  afterAll(async () => {
    await knex?.destroy();
    cluster?.destroy();
  });

  it('fault: the database goes away mid-run and comes back', async () => {
    if (!pgBin) {
      throw new Error(
        'CI=true and no PostgreSQL server binaries (initdb, pg_ctl) were found; install postgresql-15 or set MESH_READINESS_TEST_PG_BIN',
      );
    }
    const connectionErrors: string[] = [];
    cluster = new ThrowawayCluster(pgBin);
    await cluster.init();
    knex = knexFactory({
      client: 'pg',
      connection: `postgresql://postgres@127.0.0.1:${cluster.port}/postgres`,
      pool: { min: 0, max: 4 },
      acquireConnectionTimeout: 10_000,
      // The driver's reports of broken connections, kept out of the output.
      log: {
        error: (message: unknown) => connectionErrors.push(String(message)),
        warn: () => undefined,
        debug: () => undefined,
        deprecate: () => undefined,
      },
    });
    await migrateDatabase(knex);

    const entities = [
      group('team-a'),
      ...Array.from({ length: SERVICES }, (_, i) =>
        component(`svc-${String(i).padStart(4, '0')}`, {
          owner: 'team-a',
          mesh: 'istio',
        }),
      ),
    ];
    const catalog = catalogServiceMock({ entities });
    const auth = mockServices.auth();
    const logger = mockServices.logger.mock();
    const programs = new ProgramRegistry(
      [
        path.join(
          writeTree({ 'istio-adoption.yaml': TEST_PROGRAM_YAML }),
          'istio-adoption.yaml',
        ),
      ],
      mockServices.urlReader.mock(),
      logger,
    );
    await programs.reload();
    const store = new DatabaseStore(knex, id => programs.get(id));

    // Manifests from memory; `declareProtocol` flips a check of every
    // service between runs, so that a run rewrites every row.
    let declareProtocol = true;
    let collected = 0;
    let stopAfter = Number.POSITIVE_INFINITY;
    const manifests: EvidenceProvider = {
      id: 'memory-manifests',
      source: 'manifests',
      async collect(entity) {
        collected += 1;
        if (collected === stopAfter) {
          cluster!.stopImmediately();
        }
        const files = serviceManifests(entity.metadata.name);
        return {
          status: 'ok',
          facts: {
            manifests: Object.entries(files).map(([file, content]) => ({
              path: file,
              content: declareProtocol
                ? content
                : content
                    .replace('      appProtocol: http\n', '')
                    .replace(
                      '- name: http\n      port: 80',
                      '- name: web\n      port: 80',
                    ),
            })),
          },
        };
      },
    };
    const snapshot = new CatalogSnapshot(catalog, auth, store);
    const service = new EvaluationService({
      store,
      programs,
      providers: [new CatalogEntityProvider(snapshot), manifests],
      catalog,
      auth,
      logger,
      pageSize: PAGE_SIZE,
      beforePass: () => snapshot.invalidate(),
    });
    const storedRows = async () =>
      new Map(
        (
          await knex!('mesh_readiness_scorecards')
            .select('*')
            .orderBy('entity_ref')
        ).map(row => [row.entity_ref as string, row]),
      );
    const historyRows = async () =>
      knex!('mesh_readiness_history')
        .select('entity_ref', 'at', 'phase')
        .orderBy('id');

    // Run 1 stores every service.
    const first = await service.evaluateAll();
    expect(first.evaluated).toBe(SERVICES);
    const before = await storedRows();
    const historyBefore = await historyRows();
    expect(before.size).toBe(SERVICES);

    // Run 2: every service changed; the server dies at the 250th.
    declareProtocol = false;
    stopAfter = collected + 250;
    // The run fails (the scheduler logs it and runs again next interval).
    const failure: Error = await service.evaluateAll().then(
      () => new Error('the run did not fail'),
      error => error,
    );
    expect(failure.message).toMatch(/connect|terminat|Connection|shut ?down/i);
    expect(collected).toBeGreaterThanOrEqual(stopAfter);

    cluster.start();
    const after = await storedRows();
    const historyAfter = await historyRows();

    // Nothing lost: every service still has its row.
    expect([...after.keys()]).toEqual([...before.keys()]);
    // Nothing half-written: scorecards are written in transactions of
    // WRITE_BATCH rows with their history, so the rewritten rows are whole
    // batches and each has the history row of its change; every other row
    // is exactly as before.
    const rewritten = [...after.keys()].filter(
      ref => after.get(ref).facts_hash !== before.get(ref).facts_hash,
    );
    expect(rewritten.length % WRITE_BATCH).toBe(0);
    expect(rewritten.length).toBeLessThan(SERVICES);
    const untouched = [...after.keys()].filter(ref => !rewritten.includes(ref));
    expect(untouched.map(ref => after.get(ref))).toEqual(
      untouched.map(ref => before.get(ref)),
    );
    const newHistory = historyAfter.slice(historyBefore.length);
    expect(historyAfter.slice(0, historyBefore.length)).toEqual(historyBefore);
    expect(newHistory.map(h => h.entity_ref).sort()).toEqual(
      [...rewritten].sort(),
    );
    for (const h of newHistory) {
      expect(h.at).toBe(after.get(h.entity_ref).evaluated_at);
    }

    // Run 3, with the server back, completes the work.
    const third = await service.evaluateAll();
    expect(third.evaluated).toBe(SERVICES - rewritten.length);
    expect(third.unchanged).toBe(rewritten.length);
    const final = await storedRows();
    expect(final.size).toBe(SERVICES);
    for (const [ref, row] of final) {
      expect(row.facts_hash).not.toBe(before.get(ref).facts_hash);
    }
    expect(await historyRows()).toHaveLength(historyBefore.length + SERVICES);
  });
});
