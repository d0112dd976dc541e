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
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  linkProblem,
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
  programAppliesTo,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Request, RequestHandler } from 'express';

/** Any request of the typed router (whose params and bodies vary). */
type AnyRequest = Request<any, any, any, any, any>;
import type { Store } from '../database/Store';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { createOpenApiRouter } from '../schema/openapi';
import {
  attestorRolesOf,
  describeHeldRoles,
  holdsPlatformRole,
  type AttestorRoleGroups,
} from './AttestorRoles';
import { createErrorHandler } from './errorHandler';
import type { EvaluationService } from './EvaluationService';
import { callerOf, retryAfterHeader, type RateLimiter } from './RateLimiter';
import {
  ReadinessQueries,
  toHistoryEntry,
  toScorecardSummary,
  toStoredScorecard,
} from './ReadinessQueries';
import type { ReadinessWorkflows } from './ReadinessWorkflows';
import { parseJsonBodies, readRequestBodyLimits } from './requestBodies';
import {
  entityRefOfField,
  entityRefOfPath,
  optionalEntityRefOfField,
} from './requestRefs';

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

/**
 * Paths of the audited writes. The plugin lets requests to them through
 * Backstage's credentials barrier (see plugin.ts) so that the audit event
 * is created before authentication fails; every route under them, reads
 * included, asks `httpAuth` for user or service credentials itself and
 * answers 401 without them.
 */
export const AUDITED_WRITE_PATHS = [
  '/scorecards/:kind/:namespace/:name/refresh',
  '/programs/reload',
  '/attestations',
  '/waivers',
  '/groups/:namespace/:name/notes',
] as const;

/** A path parameter's entity ref, or 400 naming the parameter. */
const entityRefFromPath = entityRefOfPath;

/**
 * `Content-Disposition` of a download (RFC 6266): a quoted ASCII fallback
 * in which anything else becomes `_`, and the exact name as UTF-8 in
 * `filename*`. Nothing of the name can end the header or start another.
 */
function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The router of the REST API; see src/schema/openapi.yaml. */
export async function createRouter(options: RouterOptions) {
  const {
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
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(credentials, meshReadinessScorecardReadPermission);
    return credentials;
  }

  async function userRef(req: AnyRequest) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { credentials, userEntityRef: credentials.principal.userEntityRef };
  }

  /**
   * The catalog entity of a ref; 400 naming `field` when the ref is
   * malformed, 404 when the catalog does not have it.
   */
  async function entityOr404(
    ref: string,
    field = 'entityRef',
  ): Promise<Entity> {
    const entityRef = entityRefOfField(ref, field);
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    }
    return entity;
  }

  /** 400 naming `field` when the program does not apply to the entity. */
  function requireProgramAppliesTo(
    entity: Entity,
    programId: string,
    field = 'entityRef',
  ) {
    const program = programs.get(programId);
    if (program && !programAppliesTo(program, entity)) {
      const { kinds, types, lifecycles } = program.spec.appliesTo;
      throw new InputError(
        `${field}: program "${programId}" does not apply to ${stringifyEntityRef(
          entity,
        )} (it applies to kinds ${kinds.join(', ')}${
          types?.length ? `, types ${types.join(', ')}` : ''
        }${lifecycles?.length ? `, lifecycles ${lifecycles.join(', ')}` : ''})`,
      );
    }
  }

  function groupRefFromPath(params: { namespace: string; name: string }) {
    return entityRefOfPath({ kind: 'group', ...params });
  }

  /**
   * Runs `fn` inside an audit event that records success or failure. The
   * event is created before the caller is authenticated (inside `fn`), so
   * that refused writes (401, 403) are audited too.
   */
  async function audited<T>(
    req: AnyRequest,
    eventId: string,
    meta: Record<string, string | undefined>,
    fn: (event: AuditorServiceEvent) => Promise<T>,
  ): Promise<T> {
    const definedMeta = Object.fromEntries(
      Object.entries(meta).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    let event: AuditorServiceEvent;
    try {
      event = await auditor.createEvent({
        eventId,
        severityLevel: 'medium',
        request: req,
        meta: definedMeta,
      });
    } catch {
      // The auditor names the actor from the request's credentials and
      // fails when they are invalid (a bad or expired token); record the
      // request without an actor then.
      event = await auditor.createEvent({
        eventId,
        severityLevel: 'medium',
        meta: {
          ...definedMeta,
          actor: 'unauthenticated',
          method: req.method,
          url: req.originalUrl,
        },
      });
    }
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
        owner: optionalEntityRefOfField(q.owner, 'owner', {
          defaultKind: 'group',
          kinds: ['group', 'user'],
        }),
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
      const entityRef = entityRefFromPath(req.params);
      const programId = req.query.programId;
      const result = await audited(
        req,
        'scorecard-refresh',
        { entityRef, programId },
        async event => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['user', 'service'],
          });
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
        attachmentDisposition(
          `mesh-readiness${
            req.query.programId ? `-${req.query.programId}` : ''
          }.csv`,
        ),
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
    const list = await audited(req, 'program-reload', {}, async event => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
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
      entityRef: optionalEntityRefOfField(req.query.entityRef, 'entityRef'),
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
        const { credentials, userEntityRef } = await userRef(req);
        if (body.evidenceUrl !== undefined) {
          const problem = linkProblem(body.evidenceUrl);
          if (problem) throw new InputError(`evidenceUrl: ${problem}`);
        }
        const entity = await entityOr404(body.entityRef);
        requireProgramAppliesTo(entity, body.programId);
        const roles = await attestorRoles(credentials, entity);
        try {
          await authorize(
            credentials,
            meshReadinessChecklistAttestPermission,
            stringifyEntityRef(entity),
          );
        } catch (error) {
          // Say what would make it allowed: the roles not held, and why.
          if (error instanceof NotAllowedError) {
            throw new NotAllowedError(
              `${error.message}; you hold ${describeHeldRoles(
                roles,
              )} there (${roles
                .filter(r => !r.held)
                .map(r => r.reason)
                .join('; ')})`,
            );
          }
          throw error;
        }
        const result = await workflows.createAttestation(body, entity, {
          userEntityRef,
          roles,
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
    const revoked = await audited(
      req,
      'attestation-revoke',
      { attestationId: req.params.id },
      async event => {
        const { credentials, userEntityRef } = await userRef(req);
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
      entityRef: optionalEntityRefOfField(req.query.entityRef, 'entityRef'),
      programId: req.query.programId,
      state: req.query.state,
    });
    res.json({ items } as any);
  });

  router.post('/waivers', async (req, res) => {
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
        const { credentials, userEntityRef } = await userRef(req);
        const entity = await entityOr404(body.entityRef);
        requireProgramAppliesTo(entity, body.programId);
        await authorize(
          credentials,
          meshReadinessWaiverRequestPermission,
          stringifyEntityRef(entity),
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
        const comment = req.body?.comment;
        const waiver = await audited(
          req,
          `waiver-${decision}`,
          { waiverId: req.params.id },
          async event => {
            const { credentials, userEntityRef } = await userRef(req);
            const current = await workflows.getWaiver(req.params.id);
            // The requester may withdraw their own request; withdrawing it
            // again (or a rejected or expired one) is a state conflict, 409,
            // not a question of rights. Revoking an approved waiver needs an
            // approver.
            const withdrawingOwnRequest =
              decision === 'revoke' &&
              current.state !== 'approved' &&
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
    (body.attestations ?? []).forEach((attestation, index) => {
      const problem =
        attestation.evidenceUrl === undefined
          ? undefined
          : linkProblem(attestation.evidenceUrl);
      if (problem) {
        throw new InputError(`attestations[${index}].evidenceUrl: ${problem}`);
      }
    });
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
    const normalised = entityRefOfField(ref, 'userRef', {
      defaultKind: 'user',
      kinds: ['user'],
    });
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
    const groupRef = groupRefFromPath(req.params);
    const note = await audited(
      req,
      'mentor-note-create',
      { groupRef },
      async event => {
        const { credentials, userEntityRef } = await userRef(req);
        const aboutEntityRef = optionalEntityRefOfField(
          req.body.entityRef,
          'entityRef',
        );
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
          aboutEntityRef,
        );
        await event.success({ meta: { noteId: created.id } });
        return created;
      },
    );
    res.status(201).json(note as any);
  });

  router.use(retryAfterHeader());
  return router;
}

/**
 * What runs before every router of the plugin: JSON bodies parsed with
 * their operation's limit (413 past it), before an OpenAPI validator sees
 * them (its error transformer would make any parse error a 400).
 */
export function createRequestBodyParser(config: RootConfigService) {
  return parseJsonBodies(
    readRequestBodyLimits(config.getOptionalConfig('meshReadiness')),
  );
}

/**
 * What runs after every router of the plugin: the error handler that
 * answers their errors (statuses by error type, never a stack, no SQL or
 * paths in a 500). Express tells an error handler by its four parameters;
 * `HttpRouterService.use` is typed for request handlers only, hence the
 * type here.
 */
export function createPluginErrorHandler(
  logger: LoggerService,
): RequestHandler {
  return createErrorHandler(logger) as unknown as RequestHandler;
}
