/*
 * Input shared by the backend benchmarks: a synthetic catalog of services
 * with their manifests, a catalog that pages entities like the catalog's
 * API, and small statistics helpers.
 */
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GROUPS = 40;
export const BIG_GROUP_SERVICES = 1000;

/** Deterministic PRNG so that runs are comparable. */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

export const fmt = (n: number, digits = 3) => n.toFixed(digits);

/** The manifests of one synthetic service; `variant` flips check outcomes. */
export function manifestsFor(name: string, variant: number) {
  // Variants flip check outcomes: protocol declared or not, probes, limits.
  const protocol = variant % 2 === 0 ? '\n      appProtocol: http' : '';
  const probes =
    variant % 3 !== 1
      ? `
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /live, port: 8080 }`
      : '';
  return [
    {
      path: 'k8s/deployment.yaml',
      content: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${name}
  labels: { app: ${name}, version: v1 }
spec:
  replicas: ${2 + (variant % 3)}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name}, version: v1 }
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.${variant}.0
          ports:
            - containerPort: 8080
              name: http${probes}
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
`,
    },
    {
      path: 'k8s/service.yaml',
      content: `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${name}
  labels: { app: ${name} }
spec:
  selector: { app: ${name} }
  ports:
    - name: web
      port: 80
      targetPort: 8080${protocol}
`,
    },
    {
      path: 'k8s/namespace.yaml',
      content: `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: { istio-injection: enabled }
`,
    },
    {
      path: 'k8s/serviceaccount.yaml',
      content: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${name}
`,
    },
  ];
}

/** `entities` services in 40 groups, the first 1,000 in `big-team`. */
export function syntheticCatalog(services: number): {
  entities: Entity[];
  variants: Map<string, number>;
} {
  const entities: Entity[] = [];
  const variants = new Map<string, number>();
  const groupName = (g: number) => (g === 0 ? 'big-team' : `team-${g}`);
  for (let g = 0; g < GROUPS; g++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: groupName(g),
        namespace: 'default',
        annotations: {
          'mesh-readiness.io/mentor': `user:default/mentor-${g % 5}`,
        },
      },
      spec: { type: 'team', children: [] },
      relations: [],
    });
  }
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(5, '0')}`;
    const group =
      i < BIG_GROUP_SERVICES
        ? 0
        : 1 + ((i - BIG_GROUP_SERVICES) % (GROUPS - 1));
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'mesh-readiness.io/mesh': 'istio',
          'mesh-readiness.io/manifests': 'k8s/*.yaml',
          'backstage.io/kubernetes-id': name,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: groupName(group),
      },
      relations: [
        { type: 'ownedBy', targetRef: `group:default/${groupName(group)}` },
      ],
    });
    variants.set(`component:default/${name}`, i % 6);
  }
  return { entities, variants };
}

/**
 * The catalog as the backend sees it: pages of entities by kind, and
 * entities by ref. Entities are copied out of their JSON text the way a
 * catalog response is parsed. (The catalog client's own in-memory test
 * double rebuilds its search index for every page, which would make this
 * benchmark measure that double instead of the plugin.)
 */
export class BenchCatalog {
  private readonly texts = new Map<string, string>();
  private readonly kinds = new Map<string, string[]>();

  constructor(entities: Entity[]) {
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      this.texts.set(ref, JSON.stringify(entity));
      const kind = entity.kind.toLocaleLowerCase('en-US');
      this.kinds.set(kind, [...(this.kinds.get(kind) ?? []), ref]);
    }
  }

  async *streamEntities(request?: { filter?: any; pageSize?: number }) {
    const wanted = request?.filter?.kind;
    const kinds = (Array.isArray(wanted) ? wanted : [wanted ?? ''])
      .filter(Boolean)
      .map((k: string) => k.toLocaleLowerCase('en-US'));
    const refs = kinds.length
      ? kinds.flatMap((k: string) => this.kinds.get(k) ?? [])
      : [...this.texts.keys()];
    const size = request?.pageSize ?? 500;
    for (let i = 0; i < refs.length; i += size) {
      yield refs
        .slice(i, i + size)
        .map(ref => JSON.parse(this.texts.get(ref)!));
    }
  }

  async getEntityByRef(ref: string) {
    const text = this.texts.get(ref);
    return text ? JSON.parse(text) : undefined;
  }

  async getEntitiesByRefs(request: { entityRefs: string[] }) {
    return {
      items: await Promise.all(
        request.entityRefs.map(r => this.getEntityByRef(r)),
      ),
    };
  }
}

/** A logger that prints errors only. */
export const silentLogger: any = {
  info() {},
  warn() {},
  error(message: string) {
    process.stderr.write(`${message}\n`);
  },
  debug() {},
  child() {
    return silentLogger;
  },
};

/**
 * A new, empty database of the kind: an SQLite file in a temporary folder,
 * or a database created on the PostgreSQL server named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (dropped by `close`).
 */
export async function openBenchDatabase(
  kind: 'sqlite' | 'postgres',
  prefix: string,
): Promise<{ knex: Knex; file?: string; close: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)),
      'bench.sqlite',
    );
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    });
    return { knex, file, close: () => knex.destroy() };
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
    close: async () => {
      await knex.destroy();
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}
