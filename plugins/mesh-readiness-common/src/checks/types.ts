import type { DataPlaneKind, DataPlaneResolution } from '../dataplane';
import type { ManifestSet, Workload } from '../manifests';
import type {
  EntityFacts,
  EvidenceSource,
  Finding,
  MeshFlavour,
} from '../types';

/** What an analyzer sees when it runs for one entity and one check. */
export interface AnalyzerContext {
  entity: EntityFacts['entity'];
  /**
   * The parsed manifests. Present whenever the manifests source answered
   * (possibly with zero objects); the engine never runs an analyzer that
   * reads manifests when that source failed or is not connected.
   */
  manifests: ManifestSet;
  /** All facts, for analyzers that need catalog or cluster details. */
  facts: EntityFacts;
  /** Parameters from the program's check definition (may be empty). */
  params: Record<string, unknown>;
  /** The mesh of the program being evaluated. */
  mesh: MeshFlavour;
  /**
   * The data plane of a workload of `manifests` (see `resolveDataPlane`).
   * The engine has already left out the workloads whose data plane the
   * analyzer does not apply to.
   */
  dataPlane(workload: Workload): DataPlaneResolution;
}

/** The verdict of one analyzer, before waivers and source status apply. */
export interface AnalyzerOutcome {
  /**
   * `unknown`: the source is connected and answered, but without the facts
   * this analyzer reads (e.g. a cluster provider that reports no pods), so
   * no verdict is possible.
   */
  status: 'pass' | 'fail' | 'warn' | 'not-applicable' | 'unknown';
  /** One line for the scorecard, e.g. "2 of 3 Service ports lack a protocol". */
  summary: string;
  /** Evidence: every failing resource with file and line, or the proof of a pass. */
  findings: Finding[];
}

/** A parameter a program may set on a check (`params` in the program). */
export interface AnalyzerParameter {
  type: 'number' | 'boolean' | 'string';
  /** Value used when the program does not set the parameter. */
  default?: number | boolean | string;
  /** Allowed values of a string parameter. */
  values?: string[];
  description: string;
}

/**
 * A named rule of the engine. Programs refer to analyzers by id; the
 * analyzer decides pass / fail from the facts. Analyzers are pure.
 */
export interface CheckAnalyzer {
  /** Usually equal to the check id it implements, e.g. `k8s.svc.protocol`. */
  id: string;
  title: string;
  /**
   * The sources the analyzer reads. If any of them failed the check is
   * `unknown`; if any is not connected in this installation it is
   * `not-evaluated`.
   */
  evidence: EvidenceSource[];
  /**
   * Sources the analyzer also reads where they are connected, judging
   * without them where they are not (e.g. the cluster side of a manifests
   * check). Not connected: the check runs on `evidence` alone. Failed: the
   * check is `unknown`, as for `evidence`.
   */
  optionalEvidence?: EvidenceSource[];
  /** Meshes the analyzer knows how to judge. */
  mesh: MeshFlavour[];
  /**
   * Data planes of a workload the analyzer judges (DESIGN §3). The engine
   * gives the analyzer only the workloads on these data planes; when none
   * is, the check is `not-applicable` with the reason. Workloads not yet
   * enrolled (`none`) are candidates for onboarding and are judged by every
   * check that lists `none`.
   */
  dataPlanes: ReadonlyArray<DataPlaneKind>;
  /** Upstream rules the analyzer corresponds to (ISTxxxx, KIAxxxx, linkerd report ids). */
  upstream?: string[];
  /** Parameters the analyzer reads from the program, by name. */
  parameters?: Record<string, AnalyzerParameter>;
  analyze(context: AnalyzerContext): AnalyzerOutcome;
}
