import { InputError } from '@backstage/errors';
import {
  formatProblem,
  linkProblem,
  loadProgram,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { callerOf } from '../RateLimiter';
import type { ApiRouter, RouteContext } from './routeContext';

/** The stateless evaluation for CI. */
export function evaluateRoutes(router: ApiRouter, ctx: RouteContext) {
  const { programs, evaluation, rateLimits } = ctx;

  router.post('/evaluate', async (req, res) => {
    const credentials = await ctx.canRead(req);
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
    const scorecard = await evaluation.evaluateStateless({
      program,
      entity: body.entity,
      manifests: body.manifests,
      attestations: body.attestations,
      waivers: body.waivers,
      catalog: body.catalog,
      now: body.now,
    });
    res.json(scorecard);
  });
}
