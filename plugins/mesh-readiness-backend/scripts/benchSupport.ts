/*
 * The setup shared by the backend benches (bench-backend.ts,
 * bench-responsiveness.ts): the plugin as it ships, in a backend
 * (startTestBackend: a real HTTP port, the plugin's router, auth and
 * permission middleware), reading
 *
 * - the catalog through the production CatalogClient (the default
 *   catalogServiceRef factory) from benchServers.ts' catalog API, found
 *   through discovery;
 * - manifests through the real UrlReader (backend-defaults' FetchUrlReader,
 *   allowed by `backend.reading.allow`) from benchServers.ts' Git host,
 *   which answers If-None-Match with 304;
 * - attestations and waivers stored through the plugin's store before it
 *   starts;
 *
 * with the database the bench opens (SQLite file or PostgreSQL). What is
 * not the production one is listed in MOCKED and printed by every bench.
 */
import { HostDiscovery } from '@backstage/backend-defaults/discovery';
import { urlReaderServiceFactory } from '@backstage/backend-defaults/urlReader';
import {
  coreServices,
  createServiceFactory,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import knexFactory, { type Knex } from 'knex';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
// The benches' one input generator, a script of the common package (not part
// of its API, so not importable by package name).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  benchAttestations,
  benchWaivers,
} from '../../mesh-readiness-common/scripts/benchFixtures';
import { DatabaseStore } from '../src/database/DatabaseStore';
import { meshReadinessPlugin } from '../src/plugin';
import type {
  ControlMessage,
  ServerCounters,
  ServerMessage,
} from './benchServers';

export type DatabaseKind = 'sqlite' | 'postgres';

/** What the benches do not run as in production; printed with every result. */
export const MOCKED = [
  'catalog: a local HTTP server with the catalog API (by-query paging with cursor and fields, by-refs, by-name) read by the production CatalogClient',
  'manifests: a local HTTP Git host with ETags read by the real UrlReader (FetchUrlReader)',
  "auth: backend-test-utils' mock auth (mockCredentials user tokens) and allow-all mock permissions",
  "scheduler: backend-test-utils' MockSchedulerService; the bench triggers the plugin's evaluation task",
].join('; ');

export function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

export const fmt = (n: number, digits = 3) => n.toFixed(digits);

export const loadAverage = () =>
  os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ');

/** Resident memory as the kernel counts it (/proc/self/status), in MiB. */
export function kernelMemory(): { peakMiB: number; residentMiB: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMiB: kb('VmHWM') / 1024, residentMiB: kb('VmRSS') / 1024 };
}

export function describeMemory(): string {
  const { peakMiB, residentMiB } = kernelMemory();
  return `VmHWM ${fmt(peakMiB, 0)} MiB, VmRSS ${fmt(residentMiB, 0)} MiB`;
}

/** CPU time of this process since `since`, in ms. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** The databases to run on, from `--db`; says why PostgreSQL is skipped. */
export function databaseKinds(db: string): DatabaseKind[] {
  const kinds: DatabaseKind[] = [];
  if (db === 'sqlite' || db === 'both') kinds.push('sqlite');
  if (db === 'postgres' || db === 'both') {
    if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
      kinds.push('postgres');
    } else {
      console.log(
        'PostgreSQL NOT measured: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
      );
    }
  }
  return kinds;
}

/**
 * A new, empty database of the kind: an SQLite file in a temporary folder,
 * or a database created on the PostgreSQL server named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (dropped by `close`).
 */
export async function openBenchDatabase(
  kind: DatabaseKind,
  prefix: string,
): Promise<{
  knex: Knex;
  size: () => Promise<number>;
  close: () => Promise<void>;
}> {
  if (kind === 'sqlite') {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const file = path.join(folder, 'bench.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    });
    return {
      knex,
      // The plugin runs SQLite with a write-ahead log, which keeps its size
      // after checkpoints: the log is moved into the file first.
      size: async () => {
        await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
        return fs.statSync(file).size;
      },
      close: async () => {
        await knex.destroy();
        fs.rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const connection =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!;
  const name = `${prefix.replace(/\W/g, '_')}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw(`create database ${name}`);
  const url = new URL(connection);
  url.pathname = `/${name}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 1, max: 10 },
  });
  return {
    knex,
    size: async () => {
      const [row] = (
        await knex.raw('select pg_database_size(current_database()) as size')
      ).rows;
      return Number(row.size);
    },
    close: async () => {
      await knex.destroy();
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}

export interface FixtureServers {
  /** Base URL of the catalog API (what discovery returns for `catalog`). */
  catalogUrl: string;
  origin: string;
  manifestLocations: number;
  /** Moves `count` services to their next manifest variant. */
  change(count: number, seed: number): Promise<void>;
  /** Request counts since the last call. */
  counters(): Promise<ServerCounters>;
  stop(): void;
}

/** Starts benchServers.ts in a child process for `services` services. */
export async function startFixtureServers(
  services: number,
): Promise<FixtureServers> {
  const child: ChildProcess = fork(
    path.join(__dirname, 'benchServers.ts'),
    [String(services)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const next = <T extends ServerMessage['type']>(type: T) =>
    new Promise<Extract<ServerMessage, { type: T }>>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`bench servers exited with ${code}`));
      const onMessage = (message: ServerMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ServerMessage, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const send = (message: ControlMessage) => child.send(message);
  const ready = await next('ready');
  return {
    catalogUrl: `${ready.origin}/api/catalog`,
    origin: ready.origin,
    manifestLocations: ready.manifestLocations,
    async change(count, seed) {
      const changed = next('changed');
      send({ type: 'change', count, seed });
      await changed;
    },
    async counters() {
      const answer = next('counters');
      send({ type: 'counters' });
      return (await answer).counters;
    },
    stop: () => child.disconnect(),
  };
}

/**
 * Stores the attestations and waivers of the input through the plugin's
 * store, before the backend starts (as if users had recorded them over
 * time). Not through the plugin's seed file: its YAML parse of 37,000
 * entries would add hundreds of MiB to the peak memory measured.
 */
export async function storeAttestationsAndWaivers(
  knex: Knex,
  services: number,
): Promise<{ attestations: number; waivers: number }> {
  const store = await DatabaseStore.create({
    database: { getClient: async () => knex } as DatabaseService,
  });
  const now = new Date().toISOString();
  let attestations = 0;
  let waivers = 0;
  const writes: Promise<unknown>[] = [];
  const flush = async () => {
    await Promise.all(writes.splice(0));
  };
  for (let i = 0; i < services; i++) {
    for (const attestation of benchAttestations(i, now)) {
      writes.push(
        store.createAttestation({ id: randomUUID(), ...attestation }),
      );
      attestations += 1;
    }
    for (const waiver of benchWaivers(i, now)) {
      writes.push(
        store.createWaiver({
          id: randomUUID(),
          entityRef: waiver.entityRef,
          programId: waiver.programId,
          itemId: waiver.itemId,
          state: 'approved',
          justification: waiver.justification,
          requestedBy: waiver.requestedBy,
          requestedAt: waiver.requestedAt,
          decidedBy: waiver.approvedBy,
          decidedAt: waiver.approvedAt,
          expiresAt: waiver.expiresAt,
        }),
      );
      waivers += 1;
    }
    if (writes.length >= 50) await flush();
  }
  await flush();
  return { attestations, waivers };
}

export interface BenchBackend {
  /** The plugin's API base URL. */
  baseUrl: string;
  knex: Knex;
  servers: FixtureServers;
  seeded: { attestations: number; waivers: number };
  /** Runs the plugin's scheduled evaluation task once, to its end. */
  runEvaluation(): Promise<void>;
  /** SQL statements the plugin's database ran since the last call. */
  takeStatements(): number;
  size(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the plugin in a backend on a new database of the kind. */
export async function startBenchBackend(options: {
  kind: DatabaseKind;
  services: number;
  /** `meshReadiness` configuration of the plugin. */
  config?: { evaluation?: { enabled: boolean } };
}): Promise<BenchBackend> {
  const { kind, services } = options;
  const servers = await startFixtureServers(services);
  const database = await openBenchDatabase(kind, 'mr_bench');
  let statements = 0;
  database.knex.on('query', () => {
    statements += 1;
  });
  const seeded = await storeAttestationsAndWaivers(database.knex, services);
  // Tasks run when the bench triggers them (triggerTask awaits the run).
  const scheduler = mockServices.scheduler();
  const backend = await startTestBackend({
    features: [
      meshReadinessPlugin,
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      urlReaderServiceFactory,
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () =>
          HostDiscovery.fromConfig(
            new ConfigReader({
              backend: { baseUrl: 'http://127.0.0.1', listen: { port: 0 } },
              discovery: {
                endpoints: [
                  { target: servers.catalogUrl, plugins: ['catalog'] },
                ],
              },
            }),
          ),
      }),
      mockServices.database.factory({ knex: database.knex }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            reading: { allow: [{ host: new URL(servers.origin).host }] },
          },
          meshReadiness: { ...options.config },
        },
      }),
    ],
  });
  const address = backend.server.address() as { port: number };
  statements = 0;
  return {
    baseUrl: `http://127.0.0.1:${address.port}/api/mesh-readiness`,
    knex: database.knex,
    servers,
    seeded,
    runEvaluation: () => scheduler.triggerTask('mesh-readiness-evaluate'),
    takeStatements() {
      const taken = statements;
      statements = 0;
      return taken;
    },
    size: database.size,
    async stop() {
      await backend.stop();
      servers.stop();
      await database.close();
    },
  };
}

/** A user's Authorization header, as the test backend's mock auth accepts it. */
export const userHeaders = (user: string) => ({
  authorization: mockCredentials.user.header(`user:default/${user}`),
});

/**
 * Event-loop delay while `fn` runs, in ms: the histogram of
 * monitorEventLoopDelay (1 ms resolution).
 */
export async function withLoopDelay<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; p50: number; p99: number; max: number; text: string }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const result = await fn();
  histogram.disable();
  const ms = (ns: number) => Math.max(ns / 1e6, 0);
  const p50 = ms(histogram.percentile(50));
  const p99 = ms(histogram.percentile(99));
  const max = ms(histogram.max);
  return {
    result,
    p50,
    p99,
    max,
    text: `p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(max, 1)} ms`,
  };
}

export interface ClientRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
  /** Return the response body (JSON text) too. */
  keepBody?: boolean;
}

export interface ClientResult {
  results: Array<{ status: number; retryAfter: string | null; body?: string }>;
  readTimes: number[];
  loadMs: number;
}

/** Starts benchClient.js in a child process. */
export function startClient() {
  // Plain JavaScript: no TypeScript loader (whose file-watch messages would
  // arrive on the same channel).
  const child = fork(path.join(__dirname, 'benchClient.js'), [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    run(options: {
      load: ClientRequest[];
      reads: ClientRequest[];
      minReads: number;
    }): Promise<ClientResult> {
      return new Promise((resolve, reject) => {
        const onMessage = (message: any) => {
          if (!message.results && !message.error) return;
          child.off('message', onMessage);
          if (message.error) reject(new Error(message.error));
          else resolve(message);
        };
        child.on('message', onMessage);
        child.send(options);
      });
    },
    stop: async () => {
      child.disconnect();
    },
  };
}

export const describeTimes = (times: number[]) =>
  `p50 ${fmt(percentile(times, 50), 1)} ms, p95 ${fmt(
    percentile(times, 95),
    1,
  )} ms, max ${fmt(Math.max(...times), 1)} ms (${times.length} requests)`;
