/*
 * The domain model shared by the engine, the backend, the CLI and the
 * frontend. Everything here is plain, JSON-serialisable data so that a
 * scorecard computed in one place can be stored, sent and compared byte for
 * byte elsewhere.
 */

/** Where a check reads its evidence from (shared/checks.md "ev" column). */
export type EvidenceSource = 'catalog' | 'manifests' | 'cluster' | 'metrics';

/** The meshes a program or check can target. */
export type MeshFlavour = 'istio' | 'linkerd';

/** `required` items gate a phase; `recommended` ones only inform. */
export type Severity = 'required' | 'recommended';

/** Who may attest a checklist item. */
export type AttestorRole = 'owner' | 'security' | 'platform';

/** The entity-level phase before the first phase is reached. */
export const NOT_STARTED_PHASE = 'not-started';

// ---------------------------------------------------------------------------
// Program-as-code (apiVersion mesh-readiness.io/v1alpha1, kind Program)
// ---------------------------------------------------------------------------

export const PROGRAM_API_VERSION = 'mesh-readiness.io/v1alpha1';
export const PROGRAM_KIND = 'Program';

export interface ProgramMetadata {
  /** Unique program id, e.g. `istio-adoption`. */
  name: string;
  title: string;
  /** Version string bumped by the platform team; part of every scorecard. */
  version: string;
  description?: string;
}

/** Which catalog entities a program applies to. Empty lists mean "any". */
export interface ProgramAppliesTo {
  kinds: string[];
  types?: string[];
  lifecycles?: string[];
}

export interface ProgramPhase {
  /** Phase id, e.g. `pilot`. Phases are listed in order. */
  id: string;
  title: string;
  description?: string;
}

export interface ProgramCheck {
  /** e.g. `k8s.svc.protocol` */
  id: string;
  title: string;
  rationale: string;
  /** Id of the phase this check gates. */
  phase: string;
  severity: Severity;
  /** The evidence the check reads. */
  evidence: EvidenceSource[];
  /** The named analyzer in the engine that implements the rule. */
  analyzer: string;
  /** Optional analyzer parameters from the program. */
  params?: Record<string, unknown>;
  /** Id of a playbook in `spec.playbooks`. */
  playbook?: string;
  /** Id of a template in `spec.templates`. */
  template?: string;
  /** Short, actionable fix shown next to a failure. */
  remediation: string;
}

export interface ProgramChecklistItem {
  id: string;
  title: string;
  description: string;
  phase: string;
  severity: Severity;
  /** Roles whose members may attest. */
  roles: AttestorRole[];
  /** Attestations expire after this ISO-8601 duration (e.g. `P90D`). */
  expiresAfter?: string;
  /** Evidence sources whose change resets an attestation. */
  resetOn?: EvidenceSource[];
  playbook?: string;
  template?: string;
}

export interface ProgramPlaybook {
  id: string;
  title: string;
  /** http(s) URL or a relative link (e.g. a TechDocs path). */
  url: string;
  /** Upstream documentation the playbook builds on. */
  references?: string[];
}

export interface ProgramTemplate {
  id: string;
  title: string;
  /** A Scaffolder template ref (`template:default/...`) ... */
  templateRef?: string;
  /**
   * ... or an inline policy fragment shown with a copy button; with a
   * templateRef, the fallback where that template is not in the catalog.
   */
  fragment?: string;
  description?: string;
}

export interface ProgramWave {
  id: string;
  title: string;
  targetPhase: string;
  /** ISO date, e.g. `2027-03-31`. */
  dueDate: string;
  /** Group refs whose services belong to the wave. */
  groups?: string[];
  /** Entity refs that belong to the wave. */
  entities?: string[];
}

export interface ProgramSpec {
  mesh: MeshFlavour;
  appliesTo: ProgramAppliesTo;
  phases: ProgramPhase[];
  checks: ProgramCheck[];
  checklist: ProgramChecklistItem[];
  playbooks: ProgramPlaybook[];
  templates: ProgramTemplate[];
  waves: ProgramWave[];
}

export interface Program {
  apiVersion: typeof PROGRAM_API_VERSION;
  kind: typeof PROGRAM_KIND;
  metadata: ProgramMetadata;
  spec: ProgramSpec;
}

/** One problem found while validating a program or parsing manifests. */
export interface SourceProblem {
  /** File name as given by the caller. */
  file: string;
  /** 1-based line and column. */
  line: number;
  column: number;
  /** YAML path of the offending node, e.g. `spec.checks[3].playbook`. */
  path: string;
  message: string;
}

// ---------------------------------------------------------------------------
// Facts: what the engine evaluates
// ---------------------------------------------------------------------------

/** A manifest file as read from the repository. */
export interface ManifestFile {
  /** Path relative to the repository (shown to users as evidence). */
  path: string;
  content: string;
  /** Optional browsable URL of the file, used to link evidence. */
  url?: string;
}

export interface Attestation {
  id: string;
  entityRef: string;
  programId: string;
  itemId: string;
  /** User entity ref of the attester. */
  attestedBy: string;
  role: AttestorRole;
  evidenceUrl?: string;
  comment?: string;
  /** ISO timestamps. */
  attestedAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** Facts hash of the reset sources at attestation time (see resetOn). */
  factsFingerprint?: string;
}

export type WaiverState =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'revoked'
  | 'expired';

export interface Waiver {
  id: string;
  entityRef: string;
  programId: string;
  /** A check id or a checklist item id. */
  itemId: string;
  state: WaiverState;
  justification: string;
  compensatingControl?: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  /** ISO timestamp after which the waiver stops counting. */
  expiresAt: string;
}

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
  /**
   * Catalog facts that need other entities, resolved by the caller:
   * whether the owner resolves to a Group, and the callers (dependents)
   * with their current phase.
   */
  catalog?: {
    ownerIsGroup?: boolean;
    callers?: Array<{ entityRef: string; phase: string; meshed: boolean }>;
  };
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

export type CheckStatus =
  | 'pass'
  | 'fail'
  | 'warn'
  | 'unknown'
  | 'waived'
  | 'not-applicable'
  | 'not-evaluated';

/** A Kubernetes / mesh object named as users know it. */
export interface ResourceRef {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
}

/** One piece of evidence behind a check result. */
export interface Finding {
  /** `fail` / `warn` findings explain a gap; `pass` ones show the proof. */
  level: 'pass' | 'fail' | 'warn' | 'info';
  message: string;
  resource?: ResourceRef;
  /** Manifest file path and 1-based line of the resource / field. */
  file?: string;
  line?: number;
  /** Browsable URL of the file (from ManifestFile.url), when known. */
  url?: string;
  /** Upstream rule code, e.g. `IST0118`. */
  code?: string;
  remediation?: string;
}

export interface CheckResult {
  checkId: string;
  title: string;
  phase: string;
  severity: Severity;
  evidence: EvidenceSource[];
  status: CheckStatus;
  /** One-line summary (for unknown / not-evaluated: the reason). */
  summary: string;
  findings: Finding[];
  remediation: string;
  playbook?: ProgramPlaybook;
  template?: ProgramTemplate;
  /** The waiver that turned a failure into `waived`. */
  waiver?: Pick<Waiver, 'id' | 'justification' | 'expiresAt' | 'decidedBy'>;
}

export type ChecklistStatus =
  | 'attested'
  | 'missing'
  | 'expired'
  | 'reset'
  | 'waived';

export interface ChecklistResult {
  itemId: string;
  title: string;
  description: string;
  phase: string;
  severity: Severity;
  roles: AttestorRole[];
  status: ChecklistStatus;
  attestation?: Pick<
    Attestation,
    | 'id'
    | 'attestedBy'
    | 'role'
    | 'attestedAt'
    | 'expiresAt'
    | 'evidenceUrl'
    | 'comment'
  >;
  waiver?: Pick<Waiver, 'id' | 'justification' | 'expiresAt' | 'decidedBy'>;
  playbook?: ProgramPlaybook;
  template?: ProgramTemplate;
}

export interface PhaseSummary {
  id: string;
  title: string;
  /** All required checks and checklist items of this phase pass. */
  complete: boolean;
  requiredTotal: number;
  requiredPassed: number;
  /** Required checks not evaluated for lack of a connected source. */
  notEvaluated: number;
}

export interface NextStep {
  kind: 'check' | 'checklist';
  itemId: string;
  title: string;
  phase: string;
  severity: Severity;
  status: CheckStatus | ChecklistStatus;
  remediation?: string;
  playbook?: ProgramPlaybook;
  template?: ProgramTemplate;
}

export interface Scorecard {
  entityRef: string;
  programId: string;
  programVersion: string;
  mesh: MeshFlavour;
  /** Highest complete phase id, or `not-started`. */
  phase: string;
  /** The phase after `phase`, or undefined when the last one is reached. */
  nextPhase?: string;
  /** Required items of `nextPhase` passed / total. */
  progress: { passed: number; total: number; ratio: number };
  phases: PhaseSummary[];
  checks: CheckResult[];
  checklist: ChecklistResult[];
  /** Failing items, ordered by phase then severity then id. */
  nextSteps: NextStep[];
  /**
   * Evidence sources not connected in this installation; a phase reached
   * without them is shown as "without cluster and metrics evidence".
   */
  notConnected: EvidenceSource[];
  /** Hash of the facts the verdict was computed from (hex). */
  factsHash: string;
  /** When the facts were read (newest source fetch) and when evaluated. */
  factsTimestamp: string;
  evaluatedAt: string;
  /**
   * The earliest instant after `evaluatedAt` at which the same facts give
   * another verdict (a waiver or an attestation in use expires). The facts
   * hash ignores the clock, so re-evaluate at this time even when the hash
   * is unchanged. Absent when nothing in the verdict expires.
   */
  validUntil?: string;
}
