import type {
  Attestation,
  CheckStatus,
  Scorecard,
  Waiver,
  WaiverState,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/** The stored, current scorecard of an entity under a program. */
export interface ScorecardRecord {
  entityRef: string;
  programId: string;
  /** Lower-case entity kind. */
  kind: string;
  title?: string;
  /** Owner entity ref (e.g. `group:default/team-a`). */
  owner?: string;
  /** The entity's System (`spec.system`) as a full ref (`system:default/payments`). */
  system?: string;
  /** Check id -> ISO time the check started failing (required, failing). */
  failingSince: Record<string, string>;
  /**
   * Every connected evidence source answered when the verdict was made. Only
   * such a verdict is kept (marked stale) when a source fails later.
   */
  evidenceComplete: boolean;
  stale: boolean;
  staleReason?: string;
  staleSince?: string;
  /** When the evaluation service last wrote this row (evaluated or marked stale). */
  checkedAt: string;
  scorecard: Scorecard;
}

/** The light part of a stored scorecard the evaluation run compares with. */
export interface ScorecardState {
  entityRef: string;
  programId: string;
  programVersion: string;
  factsHash: string;
  phase: string;
  stale: boolean;
  evaluatedAt: string;
  validUntil?: string;
}

/** A scorecard row as listed (without the scorecard JSON). */
export interface ScorecardSummaryRecord {
  entityRef: string;
  programId: string;
  programVersion: string;
  kind: string;
  title?: string;
  owner?: string;
  system?: string;
  phase: string;
  failingChecks: number;
  stale: boolean;
  staleReason?: string;
  factsTimestamp: string;
  evaluatedAt: string;
  progress: { passed: number; total: number; ratio: number };
  nextPhase?: string;
}

/**
 * Members of a wave as the store matches them: listed entities, or entities
 * owned by one of `owners` (see {@link WaveMembers}).
 */
export interface WaveMemberFilter {
  entityRefs: string[];
  owners: string[];
}

/** Scorecards matching every field given. */
export interface ScorecardFilter {
  programId?: string;
  phase?: string;
  owner?: string;
  /** Owners: any of these refs (for group roll-ups). */
  owners?: string[];
  /** Entities of this System (full ref). */
  system?: string;
  /** Entities of any of these Systems (a Domain's). */
  systems?: string[];
  /** Members of a wave. */
  waveMembers?: WaveMemberFilter;
  entityRefs?: string[];
  kind?: string;
  checkId?: string;
  checkStatus?: CheckStatus;
  stale?: boolean;
}

/** The scope of a roll-up: one program or all, all owners or some. */
export interface RollupFilter {
  programId?: string;
  /** Owners: any of these refs (a group and its descendants). */
  owners?: string[];
  /** Systems: any of these refs (a System, or a Domain's Systems). */
  systems?: string[];
}

/** Scorecards in one phase. */
export interface PhaseCountRecord {
  phase: string;
  count: number;
  /** Of them, how many are stale. */
  stale: number;
}

/** One owner's scorecards, counted. */
export interface TeamRollupRecord {
  /** Owner entity ref; absent for scorecards without an owner. */
  owner?: string;
  services: number;
  /** Sum over the services of their required checks failing or unknown. */
  failingChecks: number;
  stale: number;
  /** Services per phase id (phases without services left out). */
  phases: Record<string, number>;
}

/**
 * Who is in a wave, as the store can match it: the entity refs the wave
 * lists and the owners whose services it covers (listed groups with their
 * descendants), all in full ref form.
 */
export interface WaveMembers {
  entityRefs: string[];
  owners: string[];
  /** The phases at or beyond the wave's target phase. */
  phasesAtTarget: string[];
}

export interface WaveCountRecord {
  /** Scorecards of members of the wave. */
  total: number;
  /** Of them, those in one of the wave's `phasesAtTarget`. */
  atTarget: number;
}

/** A check and how many scorecards fail it. */
export interface FailingCheckCount {
  checkId: string;
  count: number;
}

/** A required check failing (or unknown) for some scorecards. */
export interface BlockerRecord {
  checkId: string;
  /** The earliest time one of them started failing it. */
  failingSince: string;
  /** The entities failing it, sorted. */
  entityRefs: string[];
}

export interface HistoryChange {
  itemId: string;
  from?: string;
  to: string;
}

export interface HistoryRecord {
  id?: string;
  entityRef: string;
  programId: string;
  programVersion: string;
  owner?: string;
  at: string;
  phase: string;
  previousPhase?: string;
  changes: HistoryChange[];
}

/** One entity's evaluation outcome, written in a batch with others. */
export interface ScorecardWrite {
  record: ScorecardRecord;
  /** Present when the phase or a check status changed. */
  history?: HistoryRecord;
}

export interface HistoryFilter {
  entityRefs?: string[];
  /** Rows of entities owned (at the time) by any of these refs. */
  owners?: string[];
  programId?: string;
  /** Only rows at or after this ISO time. */
  since?: string;
  /** Only rows whose phase changed (including the first row of an entity). */
  phaseChangesOnly?: boolean;
  /** Only rows that moved from one phase to another (not first rows). */
  phaseTransitionsOnly?: boolean;
  /** Leave out the per-item changes (faster when only phases matter). */
  withoutChanges?: boolean;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

export interface AttestationFilter {
  entityRef?: string;
  entityRefs?: string[];
  programId?: string;
  includeRevoked?: boolean;
}

export interface WaiverFilter {
  entityRef?: string;
  entityRefs?: string[];
  programId?: string;
  states?: WaiverState[];
}

export interface MentorNote {
  id: string;
  groupRef: string;
  entityRef?: string;
  author: string;
  body: string;
  createdAt: string;
}

/** Which evidence of a cluster: pushed by a collector, or pulled by a module. */
export interface ClusterEvidenceKey {
  cluster: string;
  mode: 'pull' | 'push';
}

/** The evidence kept of one cluster in one mode, without its bundle. */
export interface ClusterEvidenceRecord extends ClusterEvidenceKey {
  /** `failed` when the latest pull did not answer (the bundle is the last good one). */
  status: 'ok' | 'failed';
  reason?: string;
  /** When the stored bundle was collected; absent when none is stored. */
  collectedAt?: string;
  /** When the bundle arrived (push) or the cluster was last read (pull). */
  receivedAt: string;
  collector?: { name: string; version: string };
  schemaVersion?: number;
  /** SHA-256 of the bundle's JSON. */
  contentDigest?: string;
  /** Bytes of the bundle's JSON. */
  sizeBytes?: number;
  /** Objects per kind in the bundle's snapshot. */
  objectCounts?: Record<string, number>;
}

/** A bundle to store, gzip-compressed JSON, with what is known of it. */
export interface ClusterEvidenceWrite extends ClusterEvidenceRecord {
  collectedAt: string;
  contentDigest: string;
  bundle: Buffer;
}

/** The outcome of reading a cluster, its stored bundle kept. */
export interface ClusterEvidenceStatusUpdate extends ClusterEvidenceKey {
  status: 'ok' | 'failed';
  reason?: string;
  receivedAt: string;
  collectedAt?: string;
}

/** What became of a bundle to store. */
export type ClusterEvidenceWriteOutcome =
  | { stored: true }
  /** The stored bundle was collected later (or at the same time, with other content). */
  | { stored: false; storedCollectedAt: string };

/**
 * Persistence of Mesh Readiness. Writes of evaluation results are batched:
 * `writeScorecards` issues four statements for a batch of up to 500
 * scorecards (one upsert of the current rows, one delete of their failing
 * checks, one insert of the history rows, one insert of the failing
 * checks, which takes one more statement per further 500 failing checks),
 * whatever the number of entities.
 */
export interface Store {
  getScorecardStates(
    entityRefs: string[],
    programId?: string,
  ): Promise<ScorecardState[]>;
  getScorecard(
    entityRef: string,
    programId?: string,
  ): Promise<ScorecardRecord | undefined>;
  getScorecards(
    entityRefs: string[],
    programId?: string,
  ): Promise<ScorecardRecord[]>;
  listScorecards(
    filter: ScorecardFilter,
    page: { offset: number; limit: number },
  ): Promise<Page<ScorecardSummaryRecord>>;
  /** Every summary matching the filter (roll-ups, summary, CSV). */
  listAllScorecards(filter: ScorecardFilter): Promise<ScorecardSummaryRecord[]>;
  writeScorecards(writes: ScorecardWrite[]): Promise<void>;

  // Roll-ups, counted by the database ------------------------------------

  /** Scorecards per phase (phases without scorecards left out). */
  countPhases(filter: RollupFilter): Promise<PhaseCountRecord[]>;
  /**
   * Scorecards per owner, ordered by owner (no owner last), one page of
   * owners with the number of owners in all.
   */
  listTeamRollups(
    filter: { programId?: string },
    page: { offset: number; limit: number },
  ): Promise<Page<TeamRollupRecord>>;
  /**
   * Members of each wave of one program and how many of them reached the
   * wave's target, in the order of `waves` (one statement for all).
   */
  countWaveMembers(
    filter: RollupFilter & { programId: string },
    waves: WaveMembers[],
  ): Promise<WaveCountRecord[]>;
  /**
   * Checks with status `fail` and how many scorecards fail them, most
   * first (then by check id), at most `limit`.
   */
  countFailingChecks(
    filter: RollupFilter,
    limit: number,
  ): Promise<FailingCheckCount[]>;
  /**
   * Required checks failing or unknown: failing longest first, then for
   * the most services, then by check id; at most `limit`.
   */
  listBlockers(filter: RollupFilter, limit: number): Promise<BlockerRecord[]>;
  /**
   * One page of (entity, program, phase), ordered by entity and program,
   * after the given key: read in pages so that no single statement or
   * loop holds the event loop for long.
   */
  listScorecardPhases(page: {
    after?: { entityRef: string; programId: string };
    limit: number;
  }): Promise<Array<{ entityRef: string; programId: string; phase: string }>>;
  /** The keys of every stored scorecard (to find entities that left). */
  listScorecardKeys(): Promise<Array<{ entityRef: string; programId: string }>>;
  /** Deletes the scorecards of these keys; returns how many. */
  deleteScorecards(
    keys: Array<{ entityRef: string; programId: string }>,
  ): Promise<number>;

  listHistory(
    filter: HistoryFilter,
    page: { offset: number; limit: number },
  ): Promise<Page<HistoryRecord>>;
  listAllHistory(filter: HistoryFilter): Promise<HistoryRecord[]>;
  /** Deletes history older than `before`; returns the number of rows. */
  pruneHistory(before: string): Promise<number>;

  /**
   * Stores an attestation and returns it, or returns the identical
   * attestation already in force (same entity, program, item, author, role,
   * evidence, comment, facts fingerprint and expiry) without storing another;
   * concurrent identical calls store one row.
   */
  createAttestation(attestation: Attestation): Promise<Attestation>;
  /**
   * Lets an attestation in force stop counting as the identical one, so
   * that the same statement can be made anew (after it expired).
   */
  releaseAttestationIdentity(id: string): Promise<void>;
  getAttestation(id: string): Promise<Attestation | undefined>;
  /** Sets `revokedAt`; false when it is unknown or already revoked. */
  revokeAttestation(id: string, by: string, at: string): Promise<boolean>;
  listAttestations(filter: AttestationFilter): Promise<Attestation[]>;

  createWaiver(waiver: Waiver): Promise<void>;
  getWaiver(id: string): Promise<Waiver | undefined>;
  /**
   * Moves a waiver to `to` if it is in one of `from`; false otherwise (the
   * check and the update are one statement, so two concurrent decisions
   * cannot both win).
   */
  decideWaiver(
    id: string,
    from: WaiverState[],
    to: WaiverState,
    decision: { by: string; at: string; comment?: string },
  ): Promise<boolean>;
  listWaivers(filter: WaiverFilter): Promise<Waiver[]>;

  addMentorNote(note: MentorNote): Promise<void>;
  listMentorNotes(groupRef: string): Promise<MentorNote[]>;

  /** Whether no attestation and no waiver is stored yet (for seeding). */
  hasNoAttestationsOrWaivers(): Promise<boolean>;

  // Cluster evidence ------------------------------------------------------

  /** The evidence kept per cluster and mode, without the bundles, by cluster. */
  listClusterEvidence(): Promise<ClusterEvidenceRecord[]>;
  /** The stored bundles (gzip-compressed JSON) of these keys. */
  getClusterEvidenceBundles(
    keys: ClusterEvidenceKey[],
  ): Promise<Array<ClusterEvidenceKey & { bundle: Buffer }>>;
  /**
   * Stores a bundle as the one of its cluster and mode, unless the stored
   * one was collected later, or at the same time with other content; the
   * check and the write are one statement, so of two concurrent writes the
   * later collected one stays. Storing the identical bundle again succeeds.
   */
  putClusterEvidence(
    write: ClusterEvidenceWrite,
  ): Promise<ClusterEvidenceWriteOutcome>;
  /**
   * Records how the latest reads went, keeping the stored bundles (a row
   * without one is created for a cluster never read well). `collectedAt`,
   * when given, is the time the stored bundle's content was seen again.
   */
  setClusterEvidenceStatus(
    statuses: ClusterEvidenceStatusUpdate[],
  ): Promise<void>;
}
