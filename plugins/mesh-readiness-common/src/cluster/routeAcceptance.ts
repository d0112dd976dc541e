/*
 * The Gateway API routes that target an entity's Services, with whether
 * the mesh accepted them: a route names a Service as its parent (GAMMA, the
 * mesh applies it to the Service's traffic) or as a backend. Acceptance
 * comes from `status.parents[].conditions`: `Accepted` and `ResolvedRefs`
 * must not be False; a route no controller wrote status for was not taken
 * up by any (gateway-api.sigs.k8s.io "Route status").
 */
import type { ClusterRouteFact } from '../schema/clusterFacts';
import type { SnapshotRoute, SnapshotService } from '../schema/clusterSnapshot';
import {
  objectKey,
  type IndexedSnapshot,
  type ServiceRoute,
} from './clusterIndex';

type RouteParentStatus = SnapshotRoute['parents'][number];

/** Why the parents do not accept the route, or undefined when they do. */
function rejection(
  parents: ReadonlyArray<RouteParentStatus>,
): string | undefined {
  if (parents.length === 0) {
    return 'no controller reported status for the route';
  }
  for (const parent of parents) {
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const condition = parent.conditions.find(c => c.type === type);
      if (!condition) {
        if (type === 'Accepted') {
          return `parent ${parent.parentRef.kind ?? 'Gateway'} ${
            parent.parentRef.name
          } reports no Accepted condition`;
        }
        continue;
      }
      if (condition.status !== 'True') {
        const why = [condition.reason, condition.message]
          .filter(Boolean)
          .join(': ');
        return `${type}=${condition.status} on parent ${
          parent.parentRef.kind ?? 'Gateway'
        } ${parent.parentRef.name}${why ? ` (${why})` : ''}`;
      }
    }
  }
  return undefined;
}

/** The parents whose status speaks for an attachment to these Services. */
function relevantParents(
  route: SnapshotRoute,
  attachment: ServiceRoute['attachment'],
  serviceKeys: ReadonlySet<string>,
): RouteParentStatus[] {
  if (attachment === 'backend') return route.parents;
  return route.parents.filter(
    parent =>
      parent.parentRef.kind === 'Service' &&
      !parent.parentRef.group &&
      serviceKeys.has(
        objectKey(
          parent.parentRef.namespace ?? route.namespace,
          parent.parentRef.name,
        ),
      ),
  );
}

/** Routes that target any of the Services, sorted, with their acceptance. */
export function routesForServices(
  indexed: IndexedSnapshot,
  services: ReadonlyArray<SnapshotService>,
): ClusterRouteFact[] {
  // One entry per route: a route that is the parent of one of the
  // Services is a GAMMA route for the entity, whatever it also sends to.
  const byRoute = new Map<
    SnapshotRoute,
    { attachment: ServiceRoute['attachment']; services: Set<string> }
  >();
  for (const service of services) {
    const key = objectKey(service.namespace, service.name);
    for (const { route, attachment } of indexed.routesByService.get(key) ??
      []) {
      let entry = byRoute.get(route);
      if (!entry) {
        entry = { attachment, services: new Set() };
        byRoute.set(route, entry);
      }
      if (attachment === 'gamma') entry.attachment = 'gamma';
      entry.services.add(key);
    }
  }
  const facts: ClusterRouteFact[] = [];
  for (const [route, { attachment, services: keys }] of byRoute) {
    const reason = rejection(relevantParents(route, attachment, keys));
    const fact: ClusterRouteFact = {
      cluster: indexed.snapshot.cluster,
      kind: route.kind,
      namespace: route.namespace,
      name: route.name,
      attachment,
      services: [...keys].sort(),
      accepted: reason === undefined,
    };
    if (reason) fact.reason = reason;
    facts.push(fact);
  }
  return facts;
}
