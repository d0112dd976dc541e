import type {
  AuditorService,
  AuditorServiceEvent,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  loadProgram,
  meshReadinessChecklistAttestPermission,
  meshReadinessProgramAdminPermission,
  meshReadinessScorecardReadPermission,
  meshReadinessScorecardRefreshPermission,
  meshReadinessWaiverApprovePermission,
  meshReadinessWaiverRequestPermission,
  type Attestation,
  type EntityFacts,
  type Program,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Request } from 'express';

/** Any request of the typed router (whose params and bodies vary). */
type AnyRequest = Request<any, any, any, any, any>;
import type { Store } from '../database/Store';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { createOpenApiRouter } from '../schema/openapi';
import {
  attestorRolesOf,
  holdsPlatformRole,
  type AttestorRoleGroups,
} from './AttestorRoles';
import type { EvaluationService } from './EvaluationService';
import { callerOf, retryAfterHeader, type RateLimiter } from './RateLimiter';
import { normaliseRef } from './OrgModel';
import {
  ReadinessQueries,
  toHistoryEntry,
  toScorecardSummary,
  toStoredScorecard,
} from './ReadinessQueries';
import type { ReadinessWorkflows } from './ReadinessWorkflows';

export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  store: Store;
  programs: ProgramRegistry;
  evaluation: EvaluationService;
  queries: ReadinessQueries;
  workflows: ReadinessWorkflows;
  /** Per-caller limits of manual refreshes and stateless evaluations. */
  rateLimits?: { refresh?: RateLimiter; evaluate?: RateLimiter };
  /** Only members of this group may approve waivers (besides the policy). */
  approverGroup?: string;
  /** Groups of the security and platform attestor roles. */
  roleGroups?: AttestorRoleGroups;
}

function entityRefFromPath(params: {
  kind: string;
  namespace: string;
  name: string;
}) {
  return `${params.kind.toLocaleLowerCase('en-US')}:${params.namespace}/${
    params.name
  }`;
}

/** The router of the REST API; see src/schema/openapi.yaml. */
export async function createRouter(options: RouterOptions) {
  const {
    config,
    logger,
    httpAuth,
    auth,
    userInfo,
    permissions,
    auditor,
    catalog,
    store,
    programs,
    evaluation,
    queries,
    workflows,
    rateLimits,
    approverGroup,
    roleGroups = { security: [], platform: [] },
  } = options;
  const router = await createOpenApiRouter();

  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) {
    const [decision] = await permissions.authorize(
      [
        resourceRef
          ? { permission: permission as ResourcePermission, resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${permission.name} is not allowed${
          resourceRef ? ` on ${resourceRef}` : ''
        }`,
      );
    }
  }

  async function canRead(req: AnyRequest) {
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, meshReadinessScorecardReadPermission);
    return credentials;
  }

  async function userRef(req: AnyRequest) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { credentials, userEntityRef: credentials.principal.userEntityRef };
  }

  async function entityOr404(entityRef: string): Promise<Entity> {
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    }
    return entity;
  }

  function groupRefFromPath(params: { namespace: string; name: string }) {
    return `group:${params.namespace}/${params.name}`;
  }

  /** Runs `fn` inside an audit event that records success or failure. */
  async function audited<T>(
    req: AnyRequest,
    eventId: string,
    meta: Record<string, string | undefined>,
    fn: (event: AuditorServiceEvent) => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta: Object.fromEntries(
        Object.entries(meta).filter(([, v]) => v !== undefined),
      ) as Record<string, string>,
    });
    try {
      const result = await fn(event);
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  // Scorecards ---------------------------------------------------------------

  router.get('/scorecards', async (req, res) => {
    await canRead(req);
    const q = req.query;
    const page = await store.listScorecards(
      {
        programId: q.programId,
        phase: q.phase,
        owner: q.owner ? normaliseRef(q.owner, 'group') ?? q.owner : undefined,
        kind: q.kind,
        checkId: q.checkId,
        checkStatus: q.checkStatus,
        stale: q.stale,
      },
      { offset: q.offset ?? 0, limit: q.limit ?? 50 },
    );
    res.json({
      items: page.items.map(toScorecardSummary),
      totalCount: page.totalCount,
      offset: q.offset ?? 0,
      limit: q.limit ?? 50,
    } as any);
  });

  router.get('/scorecards/:kind/:namespace/:name', async (req, res) => {
    await canRead(req);
    const entityRef = entityRefFromPath(req.params);
    const programId = req.query.programId;
    let record = await store.getScorecard(entityRef, programId);
    if (!record && !programId) {
      const entity = await entityOr404(entityRef);
      const program = programs.selectProgram(entity);
      record = program
        ? await store.getScorecard(entityRef, program.metadata.name)
        : undefined;
    }
    if (!record) {
      throw new NotFoundError(
        `no scorecard for ${entityRef}${
          programId ? ` under program ${programId}` : ''
        }`,
      );
    }
    res.json(toStoredScorecard(record) as any);
  });

  router.get(
    '/scorecards/:kind/:namespace/:name/ci-facts',
    async (req, res) => {
      await canRead(req);
      const entityRef = entityRefFromPath(req.params);
      const programId = req.query.programId;
      let program: Program | undefined;
      if (programId) {
        program = programs.get(programId);
        if (!program) {
          throw new InputError(
            `programId: no program "${programId}" is in force`,
          );
        }
      }
      const exported = await evaluation.exportCiFacts(entityRef, program);
      if (!exported) {
        throw new NotFoundError(`no entity ${entityRef} in the catalog`);
      }
      if (!exported.program) {
        throw new NotFoundError(
          `no program in force applies to ${entityRef}${
            programId ? ` (asked for ${programId})` : ''
          }`,
        );
      }
      res.json(exported.ciFacts as any);
    },
  );

  router.post(
    '/scorecards/:kind/:namespace/:name/refresh',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const entityRef = entityRefFromPath(req.params);
      const programId = req.query.programId;
      const result = await audited(
        req,
        'scorecard-refresh',
        { entityRef, programId },
        async event => {
          rateLimits?.refresh?.take(callerOf(credentials));
          await authorize(
            credentials,
            meshReadinessScorecardRefreshPermission,
            entityRef,
          );
          let program: Program | undefined;
          if (programId) {
            program = programs.get(programId);
            if (!program) {
              throw new InputError(
                `programId: no program "${programId}" is in force`,
              );
            }
          }
          // Refreshes of this entity already running are joined, not repeated.
          const refreshed = await workflows.refreshNow(entityRef, program);
          if (!refreshed.entity) {
            throw new NotFoundError(`no entity ${entityRef} in the catalog`);
          }
          if (!refreshed.record) {
            throw new InputError(
              `no program in force applies to ${entityRef}${
                programId ? ` (asked for ${programId})` : ''
              }`,
            );
          }
          await event.success({
            meta: {
              phase: refreshed.record.scorecard.phase,
              stale: refreshed.record.stale,
            },
          });
          return refreshed.record;
        },
      );
      res.json(toStoredScorecard(result) as any);
    },
  );

  // History ------------------------------------------------------------------

  router.get('/history/:kind/:namespace/:name', async (req, res) => {
    await canRead(req);
    const entityRef = entityRefFromPath(req.params);
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const page = await store.listHistory(
      { entityRefs: [entityRef], programId: req.query.programId },
      { offset, limit },
    );
    if (page.totalCount === 0) {
      await entityOr404(entityRef);
    }
    res.json({
      items: page.items.map(toHistoryEntry),
      totalCount: page.totalCount,
      offset,
      limit,
    } as any);
  });

  router.get('/groups/:namespace/:name/history', async (req, res) => {
    await canRead(req);
    const groupRef = groupRefFromPath(req.params);
    const group = await queries.group(groupRef);
    if (!group) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const rows = await store.listAllScorecards({
      owners: group.groups,
      programId: req.query.programId,
    });
    const page =
      rows.length > 0
        ? await store.listHistory(
            {
              entityRefs: rows.map(r => r.entityRef),
              programId: req.query.programId,
            },
            { offset, limit },
          )
        : { items: [], totalCount: 0 };
    res.json({
      items: page.items.map(toHistoryEntry),
      totalCount: page.totalCount,
      offset,
      limit,
    } as any);
  });

  // Groups, summary, export ---------------------------------------------------

  router.get('/groups/:namespace/:name/rollup', async (req, res) => {
    await canRead(req);
    const groupRef = groupRefFromPath(req.params);
    const rollup = await queries.groupRollup(groupRef, req.query.programId);
    if (!rollup) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    res.json(rollup as any);
  });

  router.get('/summary', async (req, res) => {
    await canRead(req);
    res.json(
      (await queries.orgSummary(
        req.query.programId,
        req.query.days ?? 30,
      )) as any,
    );
  });

  router.get('/export.csv', async (req, res) => {
    await canRead(req);
    const csv = await queries.csv(req.query.programId);
    res
      .status(200)
      .type('text/csv')
      .setHeader(
        'Content-Disposition',
        `attachment; filename="mesh-readiness${
          req.query.programId ? `-${req.query.programId}` : ''
        }.csv"`,
      );
    res.send(csv);
  });

  // Programs -----------------------------------------------------------------

  router.get('/programs', async (req, res) => {
    await canRead(req);
    res.json({ items: programs.list() } as any);
  });

  router.get('/programs/:id', async (req, res) => {
    await canRead(req);
    const status = programs.list().find(p => p.id === req.params.id);
    if (!status) {
      throw new NotFoundError(`no program "${req.params.id}" is configured`);
    }
    res.json(status as any);
  });

  router.post('/programs/reload', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const list = await audited(req, 'program-reload', {}, async event => {
      await authorize(credentials, meshReadinessProgramAdminPermission);
      const reloaded = await programs.reload();
      await event.success({
        meta: {
          invalid: reloaded
            .filter(p => p.status !== 'valid')
            .map(p => p.location),
        },
      });
      return reloaded;
    });
    res.json({ items: list } as any);
  });

  // Attestations ---------------------------------------------------------------

  router.get('/attestations', async (req, res) => {
    await canRead(req);
    const items: Attestation[] = await store.listAttestations({
      entityRef: req.query.entityRef,
      programId: req.query.programId,
      includeRevoked: req.query.includeRevoked ?? false,
    });
    res.json({ items } as any);
  });

  /** The attestor roles the caller holds for an entity, from their identity. */
  async function attestorRoles(
    credentials: BackstageCredentials<any>,
    entity: Entity,
  ) {
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    return attestorRolesOf(entity, ownershipEntityRefs, roleGroups);
  }

  router.get('/attestations/roles', async (req, res) => {
    const { credentials } = await userRef(req);
    await authorize(credentials, meshReadinessScorecardReadPermission);
    const entity = await entityOr404(req.query.entityRef);
    res.json({
      entityRef: stringifyEntityRef(entity),
      roles: await attestorRoles(credentials, entity),
    });
  });

  router.post('/attestations', async (req, res) => {
    const { credentials, userEntityRef } = await userRef(req);
    const body = req.body;
    const { attestation, created } = await audited(
      req,
      'attestation-create',
      {
        entityRef: body.entityRef,
        programId: body.programId,
        itemId: body.itemId,
        role: body.role,
      },
      async event => {
        const entity = await entityOr404(body.entityRef);
        await authorize(
          credentials,
          meshReadinessChecklistAttestPermission,
          body.entityRef,
        );
        const result = await workflows.createAttestation(body, entity, {
          userEntityRef,
          roles: await attestorRoles(credentials, entity),
        });
        await event.success({
          meta: {
            attestationId: result.attestation.id,
            role: result.attestation.role,
            created: result.created,
          },
        });
        return result;
      },
    );
    res.status(created ? 201 : 200).json(attestation as any);
  });

  /** Holds the platform role, or may administer programs. */
  async function isPlatformAdmin(credentials: BackstageCredentials<any>) {
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    if (holdsPlatformRole(ownershipEntityRefs, roleGroups)) {
      return true;
    }
    const [decision] = await permissions.authorize(
      [{ permission: meshReadinessProgramAdminPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  router.post('/attestations/:id/revoke', async (req, res) => {
    const { credentials, userEntityRef } = await userRef(req);
    const revoked = await audited(
      req,
      'attestation-revoke',
      { attestationId: req.params.id },
      async event => {
        const attestation = await workflows.getAttestation(req.params.id);
        if (attestation.attestedBy === userEntityRef) {
          await authorize(
            credentials,
            meshReadinessChecklistAttestPermission,
            attestation.entityRef,
          );
        } else if (!(await isPlatformAdmin(credentials))) {
          throw new NotAllowedError(
            `only the author (${
              attestation.attestedBy
            }) or a platform admin (${[
              ...roleGroups.platform.map(g => `member of ${g}`),
              `allowed ${meshReadinessProgramAdminPermission.name}`,
            ].join(' or ')}) may revoke this attestation`,
          );
        }
        const result = await workflows.revokeAttestation(
          req.params.id,
          userEntityRef,
        );
        await event.success({
          meta: { entityRef: result.entityRef, itemId: result.itemId },
        });
        return result;
      },
    );
    res.json(revoked as any);
  });

  // Waivers --------------------------------------------------------------------

  router.get('/waivers', async (req, res) => {
    await canRead(req);
    const items: Waiver[] = await workflows.listWaivers({
      entityRef: req.query.entityRef,
      programId: req.query.programId,
      state: req.query.state,
    });
    res.json({ items } as any);
  });

  router.post('/waivers', async (req, res) => {
    const { credentials, userEntityRef } = await userRef(req);
    const body = req.body;
    const waiver = await audited(
      req,
      'waiver-request',
      {
        entityRef: body.entityRef,
        programId: body.programId,
        itemId: body.itemId,
      },
      async event => {
        const entity = await entityOr404(body.entityRef);
        await authorize(
          credentials,
          meshReadinessWaiverRequestPermission,
          body.entityRef,
        );
        const created = await workflows.requestWaiver(
          body,
          entity,
          userEntityRef,
        );
        await event.success({
          meta: { waiverId: created.id, expiresAt: created.expiresAt },
        });
        return created;
      },
    );
    res.status(201).json(waiver as any);
  });

  async function isApprover(credentials: BackstageCredentials<any>) {
    if (!approverGroup) return true;
    const info = await userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs
      .map(r => r.toLocaleLowerCase('en-US'))
      .includes(approverGroup.toLocaleLowerCase('en-US'));
  }

  for (const decision of ['approve', 'reject', 'revoke'] as const) {
    router.post(
      `/waivers/:id/${decision}` as '/waivers/:id/approve',
      async (req, res) => {
        const { credentials, userEntityRef } = await userRef(req);
        const comment = req.body?.comment;
        const waiver = await audited(
          req,
          `waiver-${decision}`,
          { waiverId: req.params.id },
          async event => {
            const current = await workflows.getWaiver(req.params.id);
            const withdrawingOwnRequest =
              decision === 'revoke' &&
              current.state === 'requested' &&
              current.requestedBy === userEntityRef;
            if (!withdrawingOwnRequest) {
              await authorize(
                credentials,
                meshReadinessWaiverApprovePermission,
                current.entityRef,
              );
              if (!(await isApprover(credentials))) {
                throw new NotAllowedError(
                  `only members of ${approverGroup} may ${decision} waivers`,
                );
              }
              if (
                decision === 'approve' &&
                current.requestedBy === userEntityRef
              ) {
                throw new NotAllowedError(
                  'a waiver cannot be approved by the person who requested it',
                );
              }
            }
            const decided = await workflows.decideWaiver(
              req.params.id,
              decision,
              userEntityRef,
              comment,
            );
            await event.success({
              meta: {
                entityRef: decided.entityRef,
                itemId: decided.itemId,
                state: decided.state,
              },
            });
            return decided;
          },
        );
        res.json(waiver as any);
      },
    );
  }

  // Stateless evaluation -------------------------------------------------------

  router.post('/evaluate', async (req, res) => {
    const credentials = await canRead(req);
    rateLimits?.evaluate?.take(callerOf(credentials));
    const body = req.body;
    let program: Program | undefined;
    if (body.program !== undefined) {
      const loaded = loadProgram(body.program, 'program');
      if (!loaded.ok) {
        throw new InputError(
          `program: ${loaded.problems
            .map(
              p =>
                `${p.file}:${p.line}:${p.column} ${
                  p.path ? `${p.path}: ` : ''
                }${p.message}`,
            )
            .join('; ')}`,
        );
      }
      program = loaded.program;
    } else if (body.programId) {
      program = programs.get(body.programId);
      if (!program) {
        throw new InputError(
          `programId: no program "${body.programId}" is in force`,
        );
      }
    } else {
      program = programs.selectProgram(body.entity as EntityFacts['entity']);
      if (!program) {
        throw new InputError(
          'entity: no program in force applies to this entity',
        );
      }
    }
    // On a worker thread of the pool (see EvaluationWorkerPool).
    const scorecard = await evaluation.evaluateStateless({
      program,
      entity: body.entity as EntityFacts['entity'],
      manifests: body.manifests as EntityFacts['manifests'],
      attestations: body.attestations as Attestation[] | undefined,
      waivers: body.waivers as Waiver[] | undefined,
      catalog: body.catalog as EntityFacts['catalog'],
      now: body.now,
    });
    res.json(scorecard as any);
  });

  // Mentors --------------------------------------------------------------------

  router.get('/mentors', async (req, res) => {
    await canRead(req);
    res.json({ items: await queries.mentors() } as any);
  });

  router.get('/mentors/:userRef/teams', async (req, res) => {
    const credentials = await canRead(req);
    let ref = req.params.userRef;
    if (ref === 'me') {
      const principal = credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        throw new InputError('userRef: "me" needs a user identity');
      }
      ref = principal.userEntityRef;
    }
    const normalised = normaliseRef(ref, 'user');
    if (!normalised) {
      throw new InputError(`userRef: "${ref}" is not an entity ref`);
    }
    res.json(
      (await queries.mentorTeams(normalised, req.query.programId)) as any,
    );
  });

  router.get('/groups/:namespace/:name/notes', async (req, res) => {
    await canRead(req);
    const groupRef = groupRefFromPath(req.params);
    if (!(await queries.group(groupRef))) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    res.json({ items: await store.listMentorNotes(groupRef) } as any);
  });

  router.post('/groups/:namespace/:name/notes', async (req, res) => {
    const { credentials, userEntityRef } = await userRef(req);
    const groupRef = groupRefFromPath(req.params);
    const note = await audited(
      req,
      'mentor-note-create',
      { groupRef },
      async event => {
        await authorize(credentials, meshReadinessScorecardReadPermission);
        const group = await queries.group(groupRef);
        if (!group) {
          throw new NotFoundError(`no group ${groupRef} in the catalog`);
        }
        if (!group.mentors.includes(userEntityRef)) {
          throw new NotAllowedError(
            `only mentors of ${groupRef} may write notes on it`,
          );
        }
        const created = await workflows.addMentorNote(
          groupRef,
          userEntityRef,
          req.body.body,
          req.body.entityRef,
        );
        await event.success({ meta: { noteId: created.id } });
        return created;
      },
    );
    res.status(201).json(note as any);
  });

  const middleware = MiddlewareFactory.create({ config, logger });
  router.use(retryAfterHeader());
  router.use(middleware.error());
  return router;
}
