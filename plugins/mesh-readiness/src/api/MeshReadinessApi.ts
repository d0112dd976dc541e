import { createApiRef } from '@backstage/frontend-plugin-api';
import type { components } from '../schema/openapi/generated/types';

type Schemas = components['schemas'];

// The wire types of the REST API, generated from the backend's OpenAPI spec
// (src/schema/openapi/generated); re-exported under the names the UI uses.
/** @public */
export type Scorecard = Schemas['Scorecard'];
/** @public */
export type CheckResult = Schemas['CheckResult'];
/** @public */
export type ChecklistResult = Schemas['ChecklistResult'];
/** @public */
export type NextStep = Schemas['NextStep'];
/** @public */
export type Finding = Schemas['Finding'];
/** @public */
export type StoredScorecard = Schemas['StoredScorecard'];
/** @public */
export type ScorecardSummary = Schemas['ScorecardSummary'];
/** @public */
export type ScorecardPage = Schemas['ScorecardPage'];
/** @public */
export type HistoryEntry = Schemas['HistoryEntry'];
/** @public */
export type HistoryPage = Schemas['HistoryPage'];
/** @public */
export type Attestation = Schemas['Attestation'];
/** @public */
export type CreateAttestationRequest = Schemas['CreateAttestationRequest'];
/** @public */
export type Waiver = Schemas['Waiver'];
/** @public */
export type WaiverState = Schemas['WaiverState'];
/** @public */
export type CreateWaiverRequest = Schemas['CreateWaiverRequest'];
/** @public */
export type GroupRollup = Schemas['GroupRollup'];
/** @public */
export type PhaseCount = Schemas['PhaseCount'];
/** @public */
export type WaveProgress = Schemas['WaveProgress'];
/** @public */
export type Blocker = Schemas['Blocker'];
/** @public */
export type Regression = Schemas['Regression'];
/** @public */
export type OrgSummary = Schemas['OrgSummary'];
/** @public */
export type ProgramStatus = Schemas['ProgramStatus'];
/** @public */
export type Program = Schemas['Program'];
/** @public */
export type MentorTeams = Schemas['MentorTeams'];
/** @public */
export type MentorTeam = Schemas['MentorTeam'];
/** @public */
export type Mentor = Schemas['Mentor'];
/** @public */
export type MentorNote = Schemas['MentorNote'];

/** Filters of {@link MeshReadinessApi.listScorecards}. @public */
export interface ListScorecardsQuery {
  programId?: string;
  phase?: string;
  owner?: string;
  kind?: string;
  checkId?: string;
  checkStatus?: Schemas['CheckStatus'];
  stale?: boolean;
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
  /** The organisation view as CSV text. */
  exportCsv(options?: { programId?: string }): Promise<string>;

  listPrograms(): Promise<ProgramStatus[]>;

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
