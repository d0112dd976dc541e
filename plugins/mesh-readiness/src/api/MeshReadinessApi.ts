import { createApiRef } from '@backstage/frontend-plugin-api';
import type { components } from '../schema/openapi/generated/types';

/**
 * The schemas of the Mesh Readiness REST API, generated from its OpenAPI spec.
 *
 * @public
 */
export type MeshReadinessApiSchemas = components['schemas'];

// The wire types of the REST API, generated from the backend's OpenAPI spec
// (src/schema/openapi/generated); re-exported under the names the UI uses.
/** @public */
export type Scorecard = MeshReadinessApiSchemas['Scorecard'];
/** @public */
export type CheckResult = MeshReadinessApiSchemas['CheckResult'];
/** @public */
export type ChecklistResult = MeshReadinessApiSchemas['ChecklistResult'];
/** @public */
export type NextStep = MeshReadinessApiSchemas['NextStep'];
/** @public */
export type Finding = MeshReadinessApiSchemas['Finding'];
/** @public */
export type StoredScorecard = MeshReadinessApiSchemas['StoredScorecard'];
/** @public */
export type ScorecardSummary = MeshReadinessApiSchemas['ScorecardSummary'];
/** @public */
export type ScorecardPage = MeshReadinessApiSchemas['ScorecardPage'];
/** @public */
export type HistoryEntry = MeshReadinessApiSchemas['HistoryEntry'];
/** @public */
export type HistoryPage = MeshReadinessApiSchemas['HistoryPage'];
/** @public */
export type Attestation = MeshReadinessApiSchemas['Attestation'];
/** @public */
export type CreateAttestationRequest =
  MeshReadinessApiSchemas['CreateAttestationRequest'];
/**
 * The attestor roles the signed-in user holds for an entity, with reasons.
 *
 * @public
 */
export type AttestorRoles = MeshReadinessApiSchemas['AttestorRoles'];
/** @public */
export type AttestorRoleHolding =
  MeshReadinessApiSchemas['AttestorRoleHolding'];
/** @public */
export type Waiver = MeshReadinessApiSchemas['Waiver'];
/** @public */
export type WaiverState = MeshReadinessApiSchemas['WaiverState'];
/** @public */
export type CreateWaiverRequest =
  MeshReadinessApiSchemas['CreateWaiverRequest'];
/** @public */
export type GroupRollup = MeshReadinessApiSchemas['GroupRollup'];
/** @public */
export type PhaseCount = MeshReadinessApiSchemas['PhaseCount'];
/** @public */
export type WaveProgress = MeshReadinessApiSchemas['WaveProgress'];
/** @public */
export type Blocker = MeshReadinessApiSchemas['Blocker'];
/** @public */
export type Regression = MeshReadinessApiSchemas['Regression'];
/** @public */
export type SystemRollup = MeshReadinessApiSchemas['SystemRollup'];
/** @public */
export type DomainRollup = MeshReadinessApiSchemas['DomainRollup'];
/** @public */
export type FailingCheck = MeshReadinessApiSchemas['FailingCheck'];
/** @public */
export type OrgSummary = MeshReadinessApiSchemas['OrgSummary'];
/** @public */
export type TeamRollup = MeshReadinessApiSchemas['TeamRollup'];
/** @public */
export type TeamRollupPage = MeshReadinessApiSchemas['TeamRollupPage'];
/** @public */
export type WaveCampaign = MeshReadinessApiSchemas['WaveCampaign'];
/** @public */
export type BurnUpPoint = MeshReadinessApiSchemas['BurnUpPoint'];
/** @public */
export type CampaignService = MeshReadinessApiSchemas['CampaignService'];
/** @public */
export type CampaignOwner = MeshReadinessApiSchemas['CampaignOwner'];
/** @public */
export type ProgramStatus = MeshReadinessApiSchemas['ProgramStatus'];
/** @public */
export type Program = MeshReadinessApiSchemas['Program'];
/** @public */
export type MentorTeams = MeshReadinessApiSchemas['MentorTeams'];
/** @public */
export type MentorTeam = MeshReadinessApiSchemas['MentorTeam'];
/** @public */
export type Mentor = MeshReadinessApiSchemas['Mentor'];
/** @public */
export type MentorNote = MeshReadinessApiSchemas['MentorNote'];
/** @public */
export type CiFacts = MeshReadinessApiSchemas['CiFacts'];
/** @public */
export type Playbook = MeshReadinessApiSchemas['Playbook'];
/** @public */
export type PlaybookSummary = MeshReadinessApiSchemas['PlaybookSummary'];
/** @public */
export type TrafficObservation = MeshReadinessApiSchemas['TrafficObservation'];
/** @public */
export type TrafficCount = MeshReadinessApiSchemas['TrafficCount'];
/** @public */
export type PlaintextCaller = MeshReadinessApiSchemas['PlaintextCaller'];
/** @public */
export type TrafficCoverage = MeshReadinessApiSchemas['TrafficCoverage'];
/** @public */
export type TrafficCoveragePoint =
  MeshReadinessApiSchemas['TrafficCoveragePoint'];

/**
 * Filters of the scorecard list and the CSV export, all optional and
 * combined: the drill-down of every rollup aggregate is one of them (a phase
 * bar `phase`, a team row `owner`, a failing check `checkId` +
 * `checkStatus: 'fail'`, a System or Domain `system` / `domain`, a wave
 * `programId` + `wave`).
 *
 * @public
 */
export interface ScorecardFilters {
  /** Program id; required with `wave`. */
  programId?: string;
  phase?: string;
  /** Owner entity ref (`group:default/team-a`); exactly this owner … */
  owner?: string;
  /** … unless true: the owner and its child groups, transitively. */
  includeChildGroups?: boolean;
  /** System entity ref (`system:default/payments`). */
  system?: string;
  /** Domain entity ref: the Systems of the Domain and its subdomains. */
  domain?: string;
  /** Wave id of the program `programId`. */
  wave?: string;
  kind?: string;
  checkId?: string;
  checkStatus?: MeshReadinessApiSchemas['CheckStatus'];
  stale?: boolean;
}

/** Filters and page of {@link MeshReadinessApi.listScorecards}. @public */
export interface ListScorecardsQuery extends ScorecardFilters {
  offset?: number;
  limit?: number;
}

/** Paging of history lists. @public */
export interface PageQuery {
  programId?: string;
  offset?: number;
  limit?: number;
}

/**
 * The Mesh Readiness backend as the frontend sees it, one method per
 * operation of the OpenAPI spec. Everything shown is computed by the
 * backend; the frontend never derives a phase itself.
 *
 * @public
 */
export interface MeshReadinessApi {
  /** The stored scorecard, or undefined when the entity has none (404). */
  getEntityScorecard(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<StoredScorecard | undefined>;
  /** Collects evidence and re-evaluates the entity now. */
  refreshEntityScorecard(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<StoredScorecard>;
  listScorecards(query?: ListScorecardsQuery): Promise<ScorecardPage>;
  /** Changes of the entity, newest first. */
  getEntityHistory(entityRef: string, query?: PageQuery): Promise<HistoryPage>;
  /**
   * What a CI pipeline needs to evaluate the entity as the portal does
   * (attestations and waivers in force, catalog facts), for
   * `mesh-readiness check --ci-facts`.
   */
  getEntityCiFacts(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<CiFacts>;

  /**
   * The roles (owner, security, platform) the signed-in user holds for an
   * entity, as the backend derives them from the user's groups.
   */
  getAttestorRoles(entityRef: string): Promise<AttestorRoles>;
  /**
   * Attests a checklist item; the role must be one the user holds. An
   * identical attestation in force is returned instead of a new one.
   */
  createAttestation(request: CreateAttestationRequest): Promise<Attestation>;
  revokeAttestation(id: string): Promise<Attestation>;

  listWaivers(query: {
    entityRef?: string;
    programId?: string;
    state?: WaiverState;
  }): Promise<Waiver[]>;
  requestWaiver(request: CreateWaiverRequest): Promise<Waiver>;
  approveWaiver(id: string, comment?: string): Promise<Waiver>;
  rejectWaiver(id: string, comment?: string): Promise<Waiver>;

  getGroupRollup(
    groupRef: string,
    options?: { programId?: string },
  ): Promise<GroupRollup>;
  /** The rollup of a System's entities (`system:default/payments`). */
  getSystemRollup(
    systemRef: string,
    options?: { programId?: string },
  ): Promise<SystemRollup>;
  /** The rollup of the entities of a Domain's Systems, subdomains included. */
  getDomainRollup(
    domainRef: string,
    options?: { programId?: string },
  ): Promise<DomainRollup>;
  /** Changes of the group's services, newest first. */
  getGroupHistory(groupRef: string, query?: PageQuery): Promise<HistoryPage>;
  listMentorNotes(groupRef: string): Promise<MentorNote[]>;
  createMentorNote(
    groupRef: string,
    note: { body: string; entityRef?: string },
  ): Promise<MentorNote>;

  getOrgSummary(options?: {
    programId?: string;
    days?: number;
  }): Promise<OrgSummary>;
  /**
   * One page of the teams table (per owner: services, phases, failing
   * required checks, stale), counted by the backend, owners in ref order.
   */
  listTeamRollups(query?: PageQuery): Promise<TeamRollupPage>;
  /**
   * The campaign view of a wave: burn-up against the due date, services
   * below the target (at most `limit`, 100 by default) with their latest
   * activity, owners.
   */
  getWaveCampaign(
    programId: string,
    waveId: string,
    options?: { limit?: number },
  ): Promise<WaveCampaign>;
  /** The organisation view as CSV text, filtered as the scorecard list. */
  exportCsv(filters?: ScorecardFilters): Promise<string>;
  /**
   * The organisation's share of service-to-service traffic over mTLS per
   * day, as the evaluation runs recorded it from the metrics evidence.
   */
  getTrafficCoverage(options?: { days?: number }): Promise<TrafficCoverage>;

  listPrograms(): Promise<ProgramStatus[]>;

  /** The playbooks shipped with the suite (served by the backend). */
  listPlaybooks(): Promise<PlaybookSummary[]>;
  /** One shipped playbook page, e.g. `k8s-probes`. */
  getPlaybook(playbookId: string): Promise<Playbook>;

  listMentors(): Promise<Mentor[]>;
  /** The teams a user mentors; `me` for the signed-in user. */
  getMentorTeams(
    userRef: string,
    options?: { programId?: string },
  ): Promise<MentorTeams>;
}

/**
 * The API ref of the Mesh Readiness backend client.
 *
 * @public
 */
export const meshReadinessApiRef = createApiRef<MeshReadinessApi>().with({
  id: 'plugin.mesh-readiness.service',
  pluginId: 'mesh-readiness',
});
