import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardRecord } from '../database/Store';
import {
  authorizeCaller,
  visibleEntity,
  visibleRefs,
  type ActionServices,
} from './actionServices';
import { entityTabPath } from './portalLinks';
import {
  failingCheckDigest,
  playbookLinkSchema,
  templateLinkSchema,
} from './scorecardDigest';

/** Entities whose failing checks are listed; the rest are counted. */
export const MAX_LISTED_ENTITIES = 25;
/** Scorecards read to find the entities of a group or wave (the API's page limit). */
const MAX_SCANNED = 1000;

type Scope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'group'; groupRef: string }
  | { kind: 'wave'; programId: string; waveId: string };

/** The one scope the input names; an InputError naming the fields otherwise. */
function scopeOf(input: {
  entityRef?: string;
  groupRef?: string;
  waveId?: string;
  programId?: string;
}): Scope {
  const named = (['entityRef', 'groupRef', 'waveId'] as const).filter(
    field => input[field] !== undefined,
  );
  if (named.length !== 1) {
    throw new InputError(
      `entityRef, groupRef, waveId: give exactly one of them${
        named.length ? ` (got ${named.join(', ')})` : ''
      }`,
    );
  }
  if (input.entityRef !== undefined) {
    return { kind: 'entity', entityRef: input.entityRef };
  }
  if (input.groupRef !== undefined) {
    return { kind: 'group', groupRef: input.groupRef };
  }
  if (input.programId === undefined) {
    throw new InputError(
      'programId: a wave belongs to a program; give programId with waveId',
    );
  }
  return { kind: 'wave', programId: input.programId, waveId: input.waveId! };
}

/**
 * `list-failing-checks`: the checks failing on an entity, on the services
 * a group owns (child groups included, as the group roll-up counts them),
 * or on the services of a program's wave.
 */
export function registerListFailingChecksAction(services: ActionServices) {
  const { queries, programs } = services;

  /** The entities in scope with a failing check: refs in order, and how many in all. */
  async function entitiesInScope(
    scope: Scope,
    credentials: BackstageCredentials,
    programId: string | undefined,
  ): Promise<{ entityRefs: string[]; description: string }> {
    if (scope.kind === 'entity') {
      const entity = await visibleEntity(
        services,
        credentials,
        scope.entityRef,
        'entityRef',
        { defaultKind: 'component' },
      );
      const entityRef = stringifyEntityRef(entity);
      return { entityRefs: [entityRef], description: entityRef };
    }
    const filters: Array<{ owners?: string[]; entityRefs?: string[] }> = [];
    let description: string;
    if (scope.kind === 'group') {
      const entity = await visibleEntity(
        services,
        credentials,
        scope.groupRef,
        'groupRef',
        { defaultKind: 'group', kinds: ['group'] },
      );
      const groupRef = stringifyEntityRef(entity);
      const group = await queries.group(groupRef);
      if (!group) {
        throw new NotFoundError(`no entity ${groupRef} in the catalog`);
      }
      filters.push({ owners: group.groups });
      description = `services owned by ${groupRef} and its child groups`;
    } else {
      const program = programs.get(scope.programId);
      if (!program) {
        throw new InputError(
          `programId: no program "${scope.programId}" is in force`,
        );
      }
      const wave = program.spec.waves.find(w => w.id === scope.waveId);
      if (!wave) {
        throw new InputError(
          `waveId: program "${scope.programId}" has no wave "${scope.waveId}"`,
        );
      }
      // Common's wave rule: the services it lists, and those of its groups
      // and their child groups.
      const entityRefs = (wave.entities ?? []).flatMap(ref => {
        const full = tryNormalizeEntityRef(ref, 'component');
        return full ? [full] : [];
      });
      const owners = new Set<string>();
      for (const ref of wave.groups ?? []) {
        const groupRef = tryNormalizeEntityRef(ref, 'group');
        if (!groupRef) continue;
        const group = await queries.group(groupRef);
        for (const owner of group?.groups ?? [groupRef]) owners.add(owner);
      }
      if (entityRefs.length) filters.push({ entityRefs });
      if (owners.size) filters.push({ owners: [...owners] });
      description = `services of wave ${wave.id} (${wave.title}) of program ${program.metadata.name}, target ${wave.targetPhase} by ${wave.dueDate}`;
    }
    const found = new Set<string>();
    for (const filter of filters) {
      const page = await queries.scorecardPage(
        {
          ...filter,
          programId: scope.kind === 'wave' ? scope.programId : programId,
          checkStatus: 'fail',
        },
        { offset: 0, limit: MAX_SCANNED },
      );
      for (const item of page.items) found.add(item.entityRef);
    }
    const visible = await visibleRefs(services, credentials, [...found]);
    return {
      entityRefs: [...found]
        .filter(ref => visible.has(ref.toLocaleLowerCase('en-US')))
        .sort(),
      description,
    };
  }

  services.actionsRegistry.register({
    name: 'list-failing-checks',
    title: 'List failing Mesh Readiness checks',
    description: `Lists the Mesh Readiness checks that fail, with a summary, the remediation, the playbook, the template and a portal link to each check, for one of:
- an entity (entityRef);
- a group (groupRef): the services it owns, its child groups' included;
- a wave of a program (programId and waveId): the services the wave lists and those of its groups.
Give exactly one of entityRef, groupRef and waveId; programId limits the answer to one program. At most ${MAX_LISTED_ENTITIES} entities are listed (in entity ref order); the rest are counted. Needs the mesh-readiness.scorecard.read permission; entities the caller may not see in the catalog are left out, and an entity or group the caller may not see is reported as not found.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z
          .object({
            entityRef: z
              .string()
              .min(1)
              .optional()
              .describe('An entity, e.g. component:default/cart-service'),
            groupRef: z
              .string()
              .min(1)
              .optional()
              .describe('A group, e.g. group:default/team-payments'),
            waveId: z
              .string()
              .min(1)
              .optional()
              .describe('A wave id of the program given in programId'),
            programId: z
              .string()
              .min(1)
              .optional()
              .describe('The program, e.g. istio-adoption'),
          })
          .strict(),
      output: z =>
        z.object({
          scope: z.string().describe('What was searched'),
          entities: z.array(
            z.object({
              entityRef: z.string(),
              programId: z.string(),
              phase: z.string(),
              stale: z.boolean(),
              link: z.string().describe("Portal path of the entity's tab"),
              failingChecks: z.array(
                z.object({
                  checkId: z.string(),
                  title: z.string(),
                  phase: z.string(),
                  severity: z.string(),
                  summary: z.string(),
                  remediation: z.string().optional(),
                  playbook: playbookLinkSchema(z).optional(),
                  template: templateLinkSchema(z).optional(),
                  link: z
                    .string()
                    .describe('Portal path of the check on the entity tab'),
                }),
              ),
            }),
          ),
          totalEntities: z
            .number()
            .int()
            .describe('Entities in scope with at least one failing check'),
          entitiesOmitted: z
            .number()
            .int()
            .describe(`Entities past the first ${MAX_LISTED_ENTITIES}`),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorizeCaller(services, credentials);
      const scope = scopeOf(input);
      if (input.programId && scope.kind !== 'wave') {
        if (!programs.get(input.programId)) {
          throw new InputError(
            `programId: no program "${input.programId}" is in force`,
          );
        }
      }
      const { entityRefs, description } = await entitiesInScope(
        scope,
        credentials,
        input.programId,
      );
      const programId =
        scope.kind === 'wave' ? scope.programId : input.programId;
      const listed = entityRefs.slice(0, MAX_LISTED_ENTITIES);
      const records = await Promise.all(
        listed.map(ref => queries.scorecard(ref, programId)),
      );
      if (scope.kind === 'entity' && !records[0]) {
        throw new NotFoundError(
          `no scorecard for ${entityRefs[0]}${
            programId ? ` under program ${programId}` : ''
          }`,
        );
      }
      const entities = records
        .filter((record): record is ScorecardRecord => record !== undefined)
        .map(record => ({
          entityRef: record.entityRef,
          programId: record.programId,
          phase: record.scorecard.phase,
          stale: record.stale,
          link: entityTabPath(record.entityRef),
          failingChecks: record.scorecard.checks
            .filter(check => check.status === 'fail')
            .map(check => failingCheckDigest(record.entityRef, check)),
        }))
        .filter(
          entity => scope.kind === 'entity' || entity.failingChecks.length,
        );
      return {
        output: {
          scope: description,
          entities,
          totalEntities:
            scope.kind === 'entity'
              ? entities.filter(e => e.failingChecks.length).length
              : entityRefs.length,
          entitiesOmitted: entityRefs.length - listed.length,
        },
      };
    },
  });
}
