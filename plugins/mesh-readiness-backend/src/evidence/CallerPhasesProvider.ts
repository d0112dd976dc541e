import type { Entity } from '@backstage/catalog-model';
import { RELATION_DEPENDENCY_OF } from '@backstage/catalog-model';
import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';

/** Where the stored phases come from (the catalog snapshot). */
export interface StoredPhases {
  phaseOf(entityRef: string): Promise<string | undefined>;
}

/**
 * The collect options of the backend's own evaluation run: the extension
 * point's options plus the phases the run has computed so far (entity ref →
 * phase). Providers added by modules never see the extra field.
 */
export interface RunCollectOptions extends EvidenceCollectOptions {
  phasesOfThisRun?: ReadonlyMap<string, string>;
}

/** The callers of an entity: the entities that depend on it. */
export function callerRefsOf(entity: Entity): string[] {
  return [
    ...new Set(
      (entity.relations ?? [])
        .filter(r => r.type === RELATION_DEPENDENCY_OF)
        .map(r => r.targetRef),
    ),
  ].sort();
}

/**
 * Evidence source `catalog`: the callers of a service (catalog dependents,
 * `dependencyOf` relations) with their phase, which `sec.mtls.callers` reads
 * (STRICT mTLS breaks a caller that is not meshed).
 *
 * A caller's phase is the one computed earlier in the same evaluation run
 * when the run has evaluated it (`phasesOfThisRun`), else the stored one.
 * The scheduled run evaluates callers before the services they call (see
 * `evaluationOrder`), so one run sees every phase it changes; outside a run
 * (a refresh, the CI export, an attestation's fingerprint) the stored phases
 * are the current ones.
 */
export class CallerPhasesProvider implements EvidenceProvider {
  readonly id = 'catalog-caller-phases';
  readonly source = 'catalog' as const;

  constructor(private readonly stored: StoredPhases) {}

  async collect(
    entity: Entity,
    options: RunCollectOptions,
  ): Promise<EvidenceResult> {
    try {
      const callers = [];
      for (const entityRef of callerRefsOf(entity)) {
        const phase =
          options.phasesOfThisRun?.get(entityRef) ??
          (await this.stored.phaseOf(entityRef)) ??
          NOT_STARTED_PHASE;
        callers.push({ entityRef, phase, meshed: phase !== NOT_STARTED_PHASE });
      }
      return { status: 'ok', facts: { catalog: { callers } } };
    } catch (error) {
      return {
        status: 'failed',
        reason: `cannot read the callers' phases: ${(error as Error).message}`,
      };
    }
  }
}
