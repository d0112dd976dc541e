import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  attestationExpiry,
  computeSourceFingerprint,
  programAppliesTo,
  waiverInForce,
  type Attestation,
  type AttestorRole,
  type Program,
  type Waiver,
  type WaiverState,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { randomUUID } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { MentorNote, Store } from '../database/Store';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { describeHeldRoles, type AttestorRoleHolding } from './AttestorRoles';
import type { EvaluationService } from './EvaluationService';
import { ConcurrencyLimit } from './ConcurrencyLimit';
import { entityRefOfField } from './requestRefs';
import { SingleFlight } from './SingleFlight';

/** A note of a mentor on a group (what the routes answer with). */
export type { MentorNote };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AttestationRequest {
  entityRef: string;
  programId: string;
  itemId: string;
  /** The role claimed; checked against the roles the attestor holds. */
  role?: AttestorRole;
  evidenceUrl?: string;
  comment?: string;
}

/** Who attests; their roles and rights are asked for the entity attested. */
export interface Attestor {
  userEntityRef: string;
  /** The attestor roles the caller holds for the entity, from their identity. */
  rolesOn(entity: Entity): Promise<AttestorRoleHolding[]>;
  /**
   * Throws (NotAllowedError) unless the permission policy lets the caller
   * attest on the entity; given the roles held, to say what would allow it.
   */
  authorizeAttest(
    entityRef: string,
    roles: AttestorRoleHolding[],
  ): Promise<void>;
}

/** Who requests a waiver; their rights are asked for the entity. */
export interface WaiverRequester {
  userEntityRef: string;
  /**
   * Throws (NotAllowedError) unless the permission policy lets the caller
   * request waivers on the entity.
   */
  authorizeRequest(entityRef: string): Promise<void>;
}

export interface WaiverRequest {
  entityRef: string;
  programId: string;
  itemId: string;
  justification: string;
  compensatingControl?: string;
  expiresAt: string;
}

/** The decisions on a waiver after it was requested. */
export type WaiverDecision = 'approve' | 'reject' | 'revoke';

/** A waiver requested or decided, as the notifications hear of it. */
export interface WaiverEvent {
  event: 'requested' | 'approved' | 'rejected' | 'revoked';
  waiver: Waiver;
}

/**
 * Who decides on a waiver. Their rights are asked only when the decision
 * needs them: a requester withdrawing their own request needs none.
 */
export interface WaiverDecider {
  userEntityRef: string;
  /**
   * Throws (NotAllowedError) unless the permission policy lets the decider
   * approve, reject or revoke waivers of the entity.
   */
  authorizeDecision(entityRef: string): Promise<void>;
  /** The decider's user and group refs (read when an approver group is set). */
  ownershipEntityRefs(): Promise<string[]>;
}

/** Who revokes an attestation; their rights are asked as the rule needs them. */
export interface AttestationRevoker {
  userEntityRef: string;
  /**
   * Throws (NotAllowedError) unless the permission policy lets the revoker
   * attest on the entity (what an author needs to revoke their own).
   */
  authorizeAttest(entityRef: string): Promise<void>;
  /** Whether the revoker is a platform admin (who may revoke anyone's). */
  isPlatformAdmin(): Promise<boolean>;
  /** Who counts as a platform admin, for the refusal's message. */
  platformAdminDescription: string;
}

/** Approved waivers past their expiry are reported as `expired`. */
export function withEffectiveState(waiver: Waiver, nowIso: string): Waiver {
  if (
    waiver.state === 'approved' &&
    !waiverInForce(waiver, Date.parse(nowIso))
  ) {
    return { ...waiver, state: 'expired' };
  }
  return waiver;
}

/** Drops undefined fields so that responses carry no `undefined`. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/**
 * The write side of the API: attestations, waivers and mentor notes, with
 * their domain rules: who may decide on a waiver, revoke an attestation or
 * write a mentor note, and which states may follow which. Authentication,
 * the permission policy and auditing stay at the HTTP edge (the routes):
 * this class trusts the identity it is given and asks the caller's rights
 * through the callbacks it is given, when a rule needs them.
 */
export class ReadinessWorkflows {
  private readonly pendingRefresh = new Map<string, Promise<void>>();
  private readonly refreshAgain = new Set<string>();
  private readonly manualRefreshes = new SingleFlight<
    Awaited<ReturnType<EvaluationService['refreshEntity']>>
  >();
  /** Manual refreshes evaluating at once; the rest wait their turn. */
  private readonly refreshSlots = new ConcurrencyLimit(2);
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly programs: ProgramRegistry,
    private readonly evaluation: EvaluationService,
    private readonly options: {
      maxWaiverDays: number;
      /**
       * Only members of this group (a normalised group ref) may approve,
       * reject or revoke waivers, besides what the policy allows.
       */
      approverGroup?: string;
      /** The catalog's entity of a ref, or undefined when it has none. */
      catalogEntity: (entityRef: string) => Promise<Entity | undefined>;
      /** The mentors of a group, or undefined when it is not a known Group. */
      groupMentors: (groupRef: string) => Promise<string[] | undefined>;
      clock?: () => Date;
      onRefreshError?: (entityRef: string, error: Error) => void;
      /**
       * Told of each waiver stored as requested or moved by a decision,
       * whichever edge (REST, MCP) asked; it runs in the background and
       * its failure never fails the request.
       */
      onWaiverEvent?: (event: WaiverEvent) => Promise<void>;
    },
  ) {}

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  /**
   * The catalog entity a request names: 400 naming `entityRef` when the
   * ref is malformed, 404 when the catalog does not have it; and 400 when
   * the program does not apply to it.
   */
  private async subject(request: {
    entityRef: string;
    programId: string;
  }): Promise<Entity> {
    const entityRef = entityRefOfField(request.entityRef, 'entityRef');
    const entity = await this.options.catalogEntity(entityRef);
    if (!entity) {
      throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    }
    const program = this.programs.get(request.programId);
    if (program && !programAppliesTo(program, entity)) {
      const { kinds, types, lifecycles } = program.spec.appliesTo;
      throw new InputError(
        `entityRef: program "${
          request.programId
        }" does not apply to ${stringifyEntityRef(
          entity,
        )} (it applies to kinds ${kinds.join(', ')}${
          types?.length ? `, types ${types.join(', ')}` : ''
        }${lifecycles?.length ? `, lifecycles ${lifecycles.join(', ')}` : ''})`,
      );
    }
    return entity;
  }

  private waiverEvent(event: WaiverEvent): void {
    this.options.onWaiverEvent?.(event).catch(() => {
      // The listener logs its own failures.
    });
  }

  private program(programId: string): Program {
    const program = this.programs.get(programId);
    if (!program) {
      throw new InputError(`programId: no program "${programId}" is in force`);
    }
    return program;
  }

  /**
   * Re-evaluates an entity after its attestations or waivers changed. Runs
   * in the background; requests for an entity already being re-evaluated
   * are folded into one more run after it.
   */
  scheduleRefresh(entityRef: string, program: Program): void {
    const key = `${entityRef}\u0000${program.metadata.name}`;
    if (this.closing) {
      // Shutting down: the next scheduled run picks the change up.
      return;
    }
    if (this.pendingRefresh.has(key)) {
      this.refreshAgain.add(key);
      return;
    }
    const run = async (): Promise<void> => {
      try {
        await this.evaluation.refreshEntity(entityRef, program);
      } catch (error) {
        this.options.onRefreshError?.(entityRef, error as Error);
      }
      if (this.refreshAgain.delete(key) && !this.closing) {
        await run();
      }
    };
    this.pendingRefresh.set(
      key,
      run().finally(() => this.pendingRefresh.delete(key)),
    );
  }

  /**
   * Evaluates an entity now, for `POST /scorecards/.../refresh`. Refreshes
   * of the same entity and program that arrive while one runs share its
   * result: many callers, or one noisy one, cost one evaluation. At most
   * two refreshes evaluate at once, whatever the number of callers.
   */
  refreshNow(
    entityRef: string,
    program?: Program,
  ): ReturnType<EvaluationService['refreshEntity']> {
    return this.manualRefreshes.run(
      `${entityRef}\u0000${program?.metadata.name ?? ''}`,
      () =>
        this.refreshSlots.run(() =>
          this.evaluation.refreshEntity(entityRef, program),
        ),
    );
  }

  /** Waits for background re-evaluations (tests). */
  async settle(): Promise<void> {
    while (this.pendingRefresh.size > 0) {
      await Promise.all([...this.pendingRefresh.values()]);
    }
  }

  /** Stops starting re-evaluations and waits for the running ones. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.settle();
  }

  /**
   * Stores an attestation in a role the attestor holds. A role the item
   * allows but the attestor does not hold is refused (403) with what holding
   * it requires; without a role, the first one the item allows that the
   * attestor holds is used. An identical attestation in force is returned
   * instead of storing another (`created: false`).
   */
  async createAttestation(
    request: AttestationRequest,
    attestor: Attestor,
  ): Promise<{ attestation: Attestation; created: boolean }> {
    const entity = await this.subject(request);
    const roles = await attestor.rolesOn(entity);
    await attestor.authorizeAttest(stringifyEntityRef(entity), roles);
    const program = this.program(request.programId);
    const item = program.spec.checklist.find(i => i.id === request.itemId);
    if (!item) {
      throw new InputError(
        `itemId: "${request.itemId}" is not a checklist item of program "${request.programId}"`,
      );
    }
    if (request.role && !item.roles.includes(request.role)) {
      throw new InputError(
        `role: "${request.role}" may not attest "${
          item.id
        }"; allowed roles: ${item.roles.join(', ')}`,
      );
    }
    const holding = (role: AttestorRole) => roles.find(h => h.role === role);
    let role: AttestorRole;
    if (request.role) {
      const claimed = holding(request.role);
      if (!claimed?.held) {
        throw new NotAllowedError(
          `${
            claimed?.reason ?? `role ${request.role} is not held`
          }; you hold ${describeHeldRoles(roles)}`,
        );
      }
      role = request.role;
    } else {
      const first = item.roles.find(r => holding(r)?.held);
      if (!first) {
        throw new NotAllowedError(
          `"${item.id}" is attested by ${item.roles.join(
            ' or ',
          )}, and you hold none of them: ${item.roles
            .map(r => holding(r)?.reason ?? `role ${r} is not held`)
            .join('; ')}`,
        );
      }
      role = first;
    }
    const entityRef = stringifyEntityRef(entity);
    let factsFingerprint: string | undefined;
    if (item.resetOn && item.resetOn.length > 0) {
      // Fingerprint the facts the attestation vouches for, so that the
      // engine resets it when those facts change.
      const { facts, failures } = await this.evaluation.collectFacts(
        { entity, entityRef, program },
        { attestations: [], waivers: [] },
      );
      if (failures.length === 0) {
        factsFingerprint = computeSourceFingerprint(facts, item.resetOn);
      }
    }
    const attestation: Attestation = compact({
      id: randomUUID(),
      entityRef,
      programId: request.programId,
      itemId: request.itemId,
      attestedBy: attestor.userEntityRef,
      role,
      evidenceUrl: request.evidenceUrl,
      comment: request.comment,
      attestedAt: this.now(),
      factsFingerprint,
    });
    let stored = await this.store.createAttestation(attestation);
    if (stored.id !== attestation.id && this.hasExpired(stored, item)) {
      // The same statement, made again after the earlier one expired, is a
      // renewal: the expired row stays as history and the new one counts.
      await this.store.releaseAttestationIdentity(stored.id);
      stored = await this.store.createAttestation(attestation);
    }
    const created = stored.id === attestation.id;
    if (created) {
      this.scheduleRefresh(entityRef, program);
    }
    return { attestation: stored, created };
  }

  private hasExpired(
    attestation: Attestation,
    item: Program['spec']['checklist'][number],
  ): boolean {
    const expiry = attestationExpiry(attestation, item);
    return expiry !== undefined && expiry <= Date.parse(this.now());
  }

  async getAttestation(id: string): Promise<Attestation> {
    const attestation = await this.store.getAttestation(id);
    if (!attestation) {
      throw new NotFoundError(`no attestation with id "${id}"`);
    }
    return attestation;
  }

  /**
   * Revokes an attestation: its author may (as long as they may still attest
   * on the entity), and so may a platform admin; nobody else.
   */
  async revokeAttestation(
    id: string,
    revoker: AttestationRevoker,
  ): Promise<Attestation> {
    const attestation = await this.getAttestation(id);
    if (attestation.attestedBy === revoker.userEntityRef) {
      await revoker.authorizeAttest(attestation.entityRef);
    } else if (!(await revoker.isPlatformAdmin())) {
      throw new NotAllowedError(
        `only the author (${attestation.attestedBy}) or a platform admin (${revoker.platformAdminDescription}) may revoke this attestation`,
      );
    }
    const by = revoker.userEntityRef;
    if (!(await this.store.revokeAttestation(id, by, this.now()))) {
      throw new ConflictError(`attestation "${id}" is already revoked`);
    }
    const program = this.programs.get(attestation.programId);
    if (program) this.scheduleRefresh(attestation.entityRef, program);
    return this.getAttestation(id);
  }

  /**
   * Stores a waiver request for a check or checklist item of an entity the
   * program applies to, expiring in the future and within the longest
   * duration allowed.
   */
  async requestWaiver(
    request: WaiverRequest,
    requester: WaiverRequester,
  ): Promise<Waiver> {
    const entity = await this.subject(request);
    await requester.authorizeRequest(stringifyEntityRef(entity));
    const requestedBy = requester.userEntityRef;
    const program = this.program(request.programId);
    const known =
      program.spec.checks.some(c => c.id === request.itemId) ||
      program.spec.checklist.some(i => i.id === request.itemId);
    if (!known) {
      throw new InputError(
        `itemId: "${request.itemId}" is neither a check nor a checklist item of program "${request.programId}"`,
      );
    }
    const now = this.now();
    const expires = Date.parse(request.expiresAt);
    if (Number.isNaN(expires)) {
      throw new InputError(
        `expiresAt: "${request.expiresAt}" is not a date-time`,
      );
    }
    if (expires <= Date.parse(now)) {
      throw new InputError('expiresAt: must be in the future');
    }
    const maxDays = this.options.maxWaiverDays;
    if (expires - Date.parse(now) > maxDays * DAY_MS) {
      throw new InputError(
        `expiresAt: a waiver may last at most ${maxDays} days (meshReadiness.waivers.maxDurationDays)`,
      );
    }
    const waiver: Waiver = compact({
      id: randomUUID(),
      entityRef: stringifyEntityRef(entity),
      programId: request.programId,
      itemId: request.itemId,
      state: 'requested' as WaiverState,
      justification: request.justification,
      compensatingControl: request.compensatingControl,
      requestedBy,
      requestedAt: now,
      expiresAt: new Date(expires).toISOString(),
    });
    await this.store.createWaiver(waiver);
    this.waiverEvent({ event: 'requested', waiver });
    return waiver;
  }

  async getWaiver(id: string): Promise<Waiver> {
    const waiver = await this.store.getWaiver(id);
    if (!waiver) {
      throw new NotFoundError(`no waiver with id "${id}"`);
    }
    return withEffectiveState(waiver, this.now());
  }

  /**
   * Approves, rejects or revokes a waiver. The requester may withdraw their
   * own request (revoke it before approval) without approver rights;
   * withdrawing it again, or a rejected or expired one, is a state conflict
   * (409), not a question of rights. Everything else needs the policy's
   * approval permission on the entity and, when an approver group is
   * configured, membership of it; nobody approves their own request.
   */
  async decideWaiver(
    id: string,
    decision: WaiverDecision,
    decider: WaiverDecider,
    comment?: string,
  ): Promise<Waiver> {
    const waiver = await this.getWaiver(id);
    const by = decider.userEntityRef;
    const withdrawingOwnRequest =
      decision === 'revoke' &&
      waiver.state !== 'approved' &&
      waiver.requestedBy === by;
    if (!withdrawingOwnRequest) {
      await decider.authorizeDecision(waiver.entityRef);
      const approverGroup = this.options.approverGroup;
      if (approverGroup) {
        const refs = await decider.ownershipEntityRefs();
        const member = refs
          .map(r => r.toLocaleLowerCase('en-US'))
          .includes(approverGroup.toLocaleLowerCase('en-US'));
        if (!member) {
          throw new NotAllowedError(
            `only members of ${approverGroup} may ${decision} waivers`,
          );
        }
      }
      if (decision === 'approve' && waiver.requestedBy === by) {
        throw new NotAllowedError(
          'a waiver cannot be approved by the person who requested it',
        );
      }
    }
    const transitions: Record<
      typeof decision,
      { from: WaiverState[]; to: WaiverState }
    > = {
      approve: { from: ['requested'], to: 'approved' },
      reject: { from: ['requested'], to: 'rejected' },
      revoke: { from: ['requested', 'approved'], to: 'revoked' },
    };
    const { from, to } = transitions[decision];
    if (decision === 'approve' && waiver.expiresAt <= this.now()) {
      throw new ConflictError(`waiver "${id}" expired before it was approved`);
    }
    const moved = await this.store.decideWaiver(id, from, to, {
      by,
      at: this.now(),
      comment,
    });
    if (!moved) {
      throw new ConflictError(
        `waiver "${id}" is ${waiver.state}; only a ${from.join(
          ' or ',
        )} waiver can be ${to}`,
      );
    }
    const program = this.programs.get(waiver.programId);
    if (program && (to === 'approved' || waiver.state === 'approved')) {
      this.scheduleRefresh(waiver.entityRef, program);
    }
    const decided = await this.getWaiver(id);
    if (to === 'approved' || to === 'rejected' || to === 'revoked') {
      this.waiverEvent({ event: to, waiver: decided });
    }
    return decided;
  }

  async listWaivers(filter: {
    entityRef?: string;
    programId?: string;
    state?: WaiverState;
  }): Promise<Waiver[]> {
    const now = this.now();
    // `expired` is derived from `approved` + expiry, so query by the stored state.
    let states: WaiverState[] | undefined;
    if (filter.state) {
      states = filter.state === 'expired' ? ['approved'] : [filter.state];
    }
    const waivers = (
      await this.store.listWaivers({
        entityRef: filter.entityRef,
        programId: filter.programId,
        states,
      })
    ).map(w => withEffectiveState(w, now));
    return filter.state
      ? waivers.filter(w => w.state === filter.state)
      : waivers;
  }

  /** Stores a note on a group; only the group's mentors may write them. */
  async addMentorNote(
    groupRef: string,
    author: string,
    body: string,
    entityRef?: string,
  ): Promise<MentorNote> {
    const mentors = await this.options.groupMentors(groupRef);
    if (!mentors) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    if (!mentors.includes(author)) {
      throw new NotAllowedError(
        `only mentors of ${groupRef} may write notes on it`,
      );
    }
    const note: MentorNote = compact({
      id: randomUUID(),
      groupRef,
      entityRef,
      author,
      body,
      createdAt: this.now(),
    });
    await this.store.addMentorNote(note);
    return note;
  }
}
