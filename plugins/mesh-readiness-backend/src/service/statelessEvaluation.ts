import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  formatProblem,
  linkProblem,
  loadProgram,
  type Attestation,
  type EntityFacts,
  type Program,
  type Scorecard,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import type { EvaluationService } from './EvaluationService';
import { callerOf, type RateLimiter } from './RateLimiter';

/**
 * A stateless evaluation as `POST /evaluate` takes it (the spec's
 * `EvaluateRequest`, already valid against the spec).
 */
export interface StatelessEvaluationRequest {
  entity: EntityFacts['entity'];
  manifests: EntityFacts['manifests'];
  programId?: string;
  /** Program YAML to evaluate against instead of a configured one. */
  program?: string;
  attestations?: Attestation[];
  waivers?: Waiver[];
  catalog?: EntityFacts['catalog'];
  now?: string;
}

/** What a stateless evaluation runs on. */
export interface StatelessEvaluationServices {
  programs: ProgramRegistry;
  evaluation: EvaluationService;
  rateLimits?: { evaluate?: RateLimiter };
}

/**
 * The stateless evaluation for CI, one code path for `POST /evaluate` and
 * the `evaluate-manifests` action: counted against the caller's budget,
 * the links and program checked (an InputError naming the field), the
 * program chosen (given YAML, a configured id, or the one that applies to
 * the entity), evaluated on the worker pool, nothing stored. The caller
 * has been authorised to read scorecards.
 */
export async function evaluateStatelessRequest(
  services: StatelessEvaluationServices,
  credentials: BackstageCredentials,
  body: StatelessEvaluationRequest,
): Promise<Scorecard> {
  const { programs, evaluation, rateLimits } = services;
  rateLimits?.evaluate?.take(callerOf(credentials));
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
        `program: ${loaded.problems.map(formatProblem).join('; ')}`,
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
    program = programs.selectProgram(body.entity);
    if (!program) {
      throw new InputError(
        'entity: no program in force applies to this entity',
      );
    }
  }
  // On a worker thread of the pool (see EvaluationWorkerPool).
  return evaluation.evaluateStateless({
    program,
    entity: body.entity,
    manifests: body.manifests,
    attestations: body.attestations,
    waivers: body.waivers,
    catalog: body.catalog,
    now: body.now,
  });
}
