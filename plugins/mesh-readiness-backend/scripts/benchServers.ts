/*
 * The world outside the backend, for the backend benches, in a process of
 * its own (so that the backend's resident memory and CPU time are the
 * backend's alone):
 *
 * - the catalog's REST API as the production CatalogClient calls it:
 *   `GET /api/catalog/entities/by-query` (filter sets, `fields`, `limit`,
 *   an opaque `cursor` and `pageInfo.nextCursor`), `POST
 *   /api/catalog/entities/by-refs` (with `fields`) and `GET
 *   /api/catalog/entities/by-name/:kind/:namespace/:name`; responses are
 *   serialised per request like the catalog's;
 * - the services' manifests as files of a Git host:
 *   `GET /git/<service>/deploy/<file>.yaml`, with a strong ETag per
 *   content, `If-None-Match` answered 304;
 *
 * for `services` services of the shared bench input (benchFixtures.ts).
 * Driven over IPC: `change` moves some services to another manifest
 * variant (a commit), `counters` returns and resets the request counts.
 */
import type { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// The benches' one input generator, a script of the common package (not part
// of its API, so not importable by package name).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  BENCH_GROUPS,
  BENCH_VARIANTS,
  benchGroupEntity,
  benchGroupName,
  benchManifests,
  benchServiceEntity,
  benchServiceName,
} from '../../mesh-readiness-common/scripts/benchFixtures';

export interface ServerCounters {
  catalogRequests: number;
  manifestRequests: number;
  conditionalRequests: number;
  notModified: number;
  manifestBytes: number;
}

export type ServerMessage =
  | { type: 'ready'; origin: string; manifestLocations: number }
  | { type: 'changed'; changed: number }
  | { type: 'counters'; counters: ServerCounters };

export type ControlMessage =
  | { type: 'change'; count: number; seed: number }
  | { type: 'counters' };

const MANIFEST_PATH = /^\/git\/(svc-\d+)\/(deploy\/[a-z]+\.yaml)$/;

/** Applies a catalog `fields` selection (simplified JSON paths). */
function pickFields(entity: any, fields: string[]): any {
  if (fields.length === 0) return entity;
  const out: any = {};
  for (const field of fields) {
    const parts = field.split('.');
    let from = entity;
    let to = out;
    for (let i = 0; i < parts.length && from !== undefined; i++) {
      const key = parts[i];
      if (!(key in Object(from))) break;
      if (i === parts.length - 1) {
        to[key] = from[key];
      } else {
        to[key] ??= {};
        to = to[key];
        from = from[key];
      }
    }
  }
  return out;
}

/** Values at a simplified path, descending through arrays, lower-cased. */
function valuesAt(entity: any, key: string): string[] {
  const lower = key.toLocaleLowerCase('en-US');
  if (lower.startsWith('relations.')) {
    const type = lower.slice('relations.'.length);
    return (entity.relations ?? [])
      .filter((r: any) => r.type.toLocaleLowerCase('en-US') === type)
      .map((r: any) => r.targetRef.toLocaleLowerCase('en-US'));
  }
  let current: any[] = [entity];
  for (const part of key.split('.')) {
    current = current.flatMap(v => {
      if (v === null || typeof v !== 'object') return [];
      const found = Object.entries(v).find(
        ([k]) =>
          k.toLocaleLowerCase('en-US') === part.toLocaleLowerCase('en-US'),
      );
      if (!found) return [];
      return Array.isArray(found[1]) ? found[1] : [found[1]];
    });
  }
  return current.map(v => String(v).toLocaleLowerCase('en-US'));
}

/** `filter` query values: sets (OR) of comma-separated conditions (AND). */
function matcher(filters: string[]): (entity: Entity) => boolean {
  if (filters.length === 0) return () => true;
  const sets = filters.map(filter =>
    filter.split(',').map(condition => {
      const at = condition.indexOf('=');
      return at < 0
        ? { key: condition.trim(), value: undefined }
        : {
            key: condition.slice(0, at).trim(),
            value: condition
              .slice(at + 1)
              .trim()
              .toLocaleLowerCase('en-US'),
          };
    }),
  );
  return entity =>
    sets.some(set =>
      set.every(({ key, value }) => {
        const values = valuesAt(entity, key);
        return value === undefined ? values.length > 0 : values.includes(value);
      }),
    );
}

/** The Domain of the big group's System; the other Systems are in another. */
export const BENCH_BIG_DOMAIN = 'big-domain';

/**
 * The Systems the services name (`<group>-system`, one per group) and two
 * Domains: the big group's System alone in `big-domain` (a Domain rollup of
 * 1,000 services), the others in `other-domain`. With the `partOf`
 * relations the catalog makes of `spec.domain`.
 */
function benchSystemsAndDomains(): Entity[] {
  const domain = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name, namespace: 'default' },
    spec: { owner: `group:default/${benchGroupName(0)}` },
  });
  const systems = Array.from({ length: BENCH_GROUPS }, (_, g): Entity => {
    const domainName = g === 0 ? BENCH_BIG_DOMAIN : 'other-domain';
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `${benchGroupName(g)}-system`, namespace: 'default' },
      spec: { owner: `group:default/${benchGroupName(g)}`, domain: domainName },
      relations: [
        { type: 'partOf', targetRef: `domain:default/${domainName}` },
      ],
    };
  });
  return [domain(BENCH_BIG_DOMAIN), domain('other-domain'), ...systems];
}

function main() {
  const services = Number(process.argv[2]);
  const variants = new Uint8Array(services).map((_, i) => i % BENCH_VARIANTS);
  const counters: ServerCounters = {
    catalogRequests: 0,
    manifestRequests: 0,
    conditionalRequests: 0,
    notModified: 0,
    manifestBytes: 0,
  };
  let entities: Entity[] = [];
  const byRef = new Map<string, Entity>();
  const manifestCache = new Map<string, { body: string; etag: string }>();

  const manifest = (name: string, file: string) => {
    const index = Number(name.slice(4));
    if (!(index >= 0 && index < services)) return undefined;
    const key = `${name}/${file}/${variants[index]}`;
    let cached = manifestCache.get(key);
    if (!cached) {
      const found = benchManifests(index, variants[index]).find(
        f => f.path === file,
      );
      if (!found) return undefined;
      cached = {
        body: found.content,
        etag: `"${createHash('sha1').update(found.content).digest('hex')}"`,
      };
      manifestCache.set(key, cached);
    }
    return cached;
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const byQuery = (url: URL, res: http.ServerResponse) => {
    const cursorText = url.searchParams.get('cursor');
    let state: { filters: string[]; offset: number };
    if (cursorText) {
      state = JSON.parse(Buffer.from(cursorText, 'base64url').toString());
    } else {
      state = { filters: url.searchParams.getAll('filter'), offset: 0 };
    }
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const fields = url.searchParams
      .getAll('fields')
      .flatMap(f => f.split(','))
      .filter(Boolean);
    const matches = matcher(state.filters);
    const items: Entity[] = [];
    let offset = state.offset;
    for (; offset < entities.length && items.length < limit; offset++) {
      if (matches(entities[offset])) items.push(entities[offset]);
    }
    while (offset < entities.length && !matches(entities[offset])) offset++;
    const nextCursor =
      offset < entities.length
        ? Buffer.from(
            JSON.stringify({ filters: state.filters, offset }),
          ).toString('base64url')
        : undefined;
    json(res, 200, {
      items: items.map(e => pickFields(e, fields)),
      pageInfo: nextCursor ? { nextCursor } : {},
      ...(url.searchParams.get('totalItems') === 'exclude'
        ? {}
        : { totalItems: entities.filter(matches).length }),
    });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bench');
    const manifestPath = MANIFEST_PATH.exec(url.pathname);
    if (manifestPath && req.method === 'GET') {
      counters.manifestRequests += 1;
      const found = manifest(manifestPath[1], manifestPath[2]);
      if (!found) {
        res.writeHead(404).end();
        return;
      }
      const condition = req.headers['if-none-match'];
      if (condition) counters.conditionalRequests += 1;
      if (condition === found.etag) {
        counters.notModified += 1;
        res.writeHead(304, { etag: found.etag }).end();
        return;
      }
      counters.manifestBytes += Buffer.byteLength(found.body);
      res.writeHead(200, {
        'content-type': 'application/yaml; charset=utf-8',
        etag: found.etag,
        'content-length': Buffer.byteLength(found.body),
      });
      res.end(found.body);
      return;
    }
    if (!url.pathname.startsWith('/api/catalog/')) {
      res.writeHead(404).end();
      return;
    }
    counters.catalogRequests += 1;
    const route = url.pathname.slice('/api/catalog'.length);
    if (route === '/entities/by-query' && req.method === 'GET') {
      byQuery(url, res);
      return;
    }
    const byName = /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(
      route,
    );
    if (byName && req.method === 'GET') {
      const ref = `${byName[1]}:${byName[2]}/${byName[3]}`.toLocaleLowerCase(
        'en-US',
      );
      const entity = byRef.get(decodeURIComponent(ref));
      if (entity) json(res, 200, entity);
      else json(res, 404, { error: { name: 'NotFoundError', message: ref } });
      return;
    }
    if (route === '/entities/by-refs' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        const fields: string[] = body.fields ?? [];
        json(res, 200, {
          items: (body.entityRefs ?? []).map((ref: string) => {
            const entity = byRef.get(ref.toLocaleLowerCase('en-US'));
            return entity ? pickFields(entity, fields) : null;
          }),
        });
      });
      return;
    }
    json(res, 404, { error: { name: 'NotFoundError', message: route } });
  });

  // Longer than the clients' idle keep-alive: a connection the server
  // closes just as a client reuses it fails that request ("fetch failed"),
  // which a busy machine made happen during long runs.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    entities = [];
    for (let g = 0; g < BENCH_GROUPS; g++) {
      entities.push(benchGroupEntity(g) as Entity);
    }
    entities.push(...benchSystemsAndDomains());
    let manifestLocations = 0;
    for (let i = 0; i < services; i++) {
      const name = benchServiceName(i);
      const urls = benchManifests(i, 0).map(
        f => `${origin}/git/${name}/${f.path}`,
      );
      manifestLocations += urls.length;
      entities.push(benchServiceEntity(i, services, urls.join(', ')) as Entity);
    }
    for (const entity of entities) {
      byRef.set(
        `${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name}`.toLocaleLowerCase(
          'en-US',
        ),
        entity,
      );
    }
    process.send!({ type: 'ready', origin, manifestLocations });
  });

  process.on('message', (message: ControlMessage) => {
    if (message.type === 'change') {
      // A deterministic walk, so that runs change the same services.
      let state = message.seed >>> 0 || 1;
      for (let c = 0; c < message.count; c++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const index = state % services;
        variants[index] = (variants[index] + 1) % BENCH_VARIANTS;
      }
      manifestCache.clear();
      process.send!({ type: 'changed', changed: message.count });
    } else if (message.type === 'counters') {
      process.send!({ type: 'counters', counters: { ...counters } });
      for (const key of Object.keys(counters) as (keyof ServerCounters)[]) {
        counters[key] = 0;
      }
    }
  });
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

if (require.main === module) {
  main();
}
