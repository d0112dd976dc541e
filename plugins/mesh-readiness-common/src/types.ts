/*
 * The domain model shared by the engine, the backend, the CLI and the
 * frontend. Everything here is plain, JSON-serialisable data so that a
 * scorecard computed in one place can be stored, sent and compared byte for
 * byte elsewhere.
 *
 * The types are inferred from the zod schemas in ./schema, the one source
 * of the domain's shape: the program validator, the CLI's reader of the CI
 * export and the REST API's OpenAPI components (generated from them) all
 * follow from those schemas.
 */
import type { z } from 'zod';
import type {
  attestationFileSchema,
  attestationSchema,
  attestationSummarySchema,
  attestorRoleSchema,
  catalogFactsSchema,
  checklistResultSchema,
  checklistStatusSchema,
  checkResultSchema,
  checkStatusSchema,
  evidenceOriginSchema,
  evidenceSourceSchema,
  findingSchema,
  manifestFileSchema,
  meshFlavourSchema,
  nextStepSchema,
  phaseSummarySchema,
  programAppliesToSchema,
  programCheckSchema,
  programChecklistItemSchema,
  programMetadataSchema,
  programPhaseSchema,
  programPlaybookSchema,
  programSchema,
  programSpecSchema,
  programTemplateSchema,
  programWaveSchema,
  resourceRefSchema,
  scorecardSchema,
  severitySchema,
  sourceObservationSchema,
  sourceProblemSchema,
  trafficObservationSchema,
  plaintextCallerSchema,
  waiverSchema,
  waiverStateSchema,
  waiverSummarySchema,
} from './schema';

/** Where a check reads its evidence from (shared/checks.md "ev" column). */
export type EvidenceSource = z.output<typeof evidenceSourceSchema>;

/** The meshes a program or check can target. */
export type MeshFlavour = z.output<typeof meshFlavourSchema>;

/** `required` items gate a phase; `recommended` ones only inform. */
export type Severity = z.output<typeof severitySchema>;

/** Who may attest a checklist item. */
export type AttestorRole = z.output<typeof attestorRoleSchema>;

/** The entity-level phase before the first phase is reached. */
export const NOT_STARTED_PHASE = 'not-started';

// ---------------------------------------------------------------------------
// Program-as-code (apiVersion mesh-readiness.io/v1alpha1, kind Program)
// ---------------------------------------------------------------------------

export type ProgramMetadata = z.output<typeof programMetadataSchema>;
/** Which catalog entities a program applies to. Empty lists mean "any". */
export type ProgramAppliesTo = z.output<typeof programAppliesToSchema>;
export type ProgramPhase = z.output<typeof programPhaseSchema>;
export type ProgramCheck = z.output<typeof programCheckSchema>;
export type ProgramChecklistItem = z.output<typeof programChecklistItemSchema>;
export type ProgramPlaybook = z.output<typeof programPlaybookSchema>;
export type ProgramTemplate = z.output<typeof programTemplateSchema>;
export type ProgramWave = z.output<typeof programWaveSchema>;
export type ProgramSpec = z.output<typeof programSpecSchema>;
/** A validated program; the optional lists are filled with `[]`. */
export type Program = z.output<typeof programSchema>;

/** One problem found while validating a program or parsing manifests. */
export type SourceProblem = z.output<typeof sourceProblemSchema>;

// ---------------------------------------------------------------------------
// Attestations and waivers
// ---------------------------------------------------------------------------

export type Attestation = z.output<typeof attestationSchema>;
export type WaiverState = z.output<typeof waiverStateSchema>;
export type Waiver = z.output<typeof waiverSchema>;

/** The attestation behind an `attested` checklist item. */
export type AttestationSummary = z.output<typeof attestationSummarySchema>;
/** The waiver behind a `waived` result. */
export type WaiverSummary = z.output<typeof waiverSummarySchema>;

// ---------------------------------------------------------------------------
// Facts: what the engine evaluates
// ---------------------------------------------------------------------------

/** A manifest file as read from the repository. */
export type ManifestFile = z.output<typeof manifestFileSchema>;

/**
 * Catalog facts that need other entities, resolved by the caller: whether
 * the owner resolves to a Group, and the callers (dependents) with their
 * current phase.
 */
export type CatalogFacts = z.output<typeof catalogFactsSchema>;

/**
 * What `mesh-readiness check --ci-facts` reads: the portal's CI export, or a
 * hand-made file with only attestations and waivers.
 */
export type AttestationFile = z.output<typeof attestationFileSchema>;

/** How one evidence source answered for this entity. */
export interface SourceStatus {
  /**
   * `ok`: facts present. `failed`: the source is connected but did not answer
   * (its checks become `unknown`). `not-connected`: no provider is configured
   * in this installation (its checks become `not-evaluated`).
   */
  status: 'ok' | 'failed' | 'not-connected';
  reason?: string;
  /** When the facts were read (ISO). */
  fetchedAt?: string;
}

/** The facts for one entity. The engine performs no I/O. */
export interface EntityFacts {
  /** The catalog entity (a Backstage `Entity`, kept structural here). */
  entity: {
    apiVersion: string;
    kind: string;
    metadata: {
      name: string;
      namespace?: string;
      title?: string;
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
      [key: string]: unknown;
    };
    spec?: Record<string, unknown>;
    relations?: Array<{ type: string; targetRef: string }>;
  };
  /** Manifest files; absent when the manifests source did not answer. */
  manifests?: ManifestFile[];
  /** Per-source status; sources missing here count as `not-connected`. */
  sources: Partial<Record<EvidenceSource, SourceStatus>>;
  /** Owner resolution and callers; see {@link CatalogFacts}. */
  catalog?: CatalogFacts;
  /** Free-form cluster / metrics facts from future providers. */
  cluster?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  attestations: Attestation[];
  waivers: Waiver[];
  /** Evaluation clock (ISO). Passed in so that results are deterministic. */
  now: string;
}

// ---------------------------------------------------------------------------
// Scorecard: what the engine returns
// ---------------------------------------------------------------------------

export type CheckStatus = z.output<typeof checkStatusSchema>;
/** A Kubernetes / mesh object named as users know it. */
export type ResourceRef = z.output<typeof resourceRefSchema>;
/** One piece of evidence behind a check result. */
export type Finding = z.output<typeof findingSchema>;
export type CheckResult = z.output<typeof checkResultSchema>;
export type ChecklistStatus = z.output<typeof checklistStatusSchema>;
export type ChecklistResult = z.output<typeof checklistResultSchema>;
export type PhaseSummary = z.output<typeof phaseSummarySchema>;
export type NextStep = z.output<typeof nextStepSchema>;
/** A cluster or metrics server that live facts came from, and when. */
export type EvidenceOrigin = z.output<typeof evidenceOriginSchema>;
/** How one evidence source answered for the entity, and when. */
export type SourceObservation = z.output<typeof sourceObservationSchema>;
/** What the traffic metrics observed of the entity's inbound traffic. */
export type TrafficObservation = z.output<typeof trafficObservationSchema>;
/** A caller still sending plaintext (the STRICT blast radius). */
export type PlaintextCaller = z.output<typeof plaintextCallerSchema>;
export type Scorecard = z.output<typeof scorecardSchema>;
