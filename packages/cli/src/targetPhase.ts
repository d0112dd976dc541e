import {
  type GroupAncestry,
  type Program,
  type ProgramWave,
  ownerRefOf,
  waveTargetOf,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from './errors';
import type { CatalogDocument } from './inputs/catalog';

export interface TargetPhase {
  phase: string;
  /** Why this target: the option, a wave, or the fallback. */
  reason: string;
  wave?: ProgramWave;
}

/** `--target-phase` when the program has that phase, else an InputError. */
export function checkTargetPhaseOption(
  program: Program,
  option: string,
): string {
  const phaseIds = program.spec.phases.map(candidate => candidate.id);
  if (!phaseIds.includes(option)) {
    throw new InputError(
      `unknown phase '${option}' for --target-phase; program ${
        program.metadata.name
      } has ${phaseIds.join(', ')}`,
    );
  }
  return option;
}

/**
 * The phase a run must reach to exit 0.
 *
 * `--target-phase` wins. Otherwise the entity's wave target, by the rule the
 * portal uses (common's `waveTargetOf`): of the waves listing the entity or
 * its owning group or an ancestor of that group, the first by due date whose
 * target phase the entity has not reached yet, else the last one. An entity
 * in no wave must reach the program's first phase. `ancestorsOf` gives a
 * group's ancestors (check builds it from the Group entities of the catalog
 * file it reads).
 */
export function resolveTargetPhase(
  program: Program,
  document: Pick<CatalogDocument, 'entity' | 'ref'>,
  phase: string,
  options: { option?: string; ancestorsOf?: GroupAncestry } = {},
): TargetPhase {
  if (options.option !== undefined) {
    return {
      phase: checkTargetPhaseOption(program, options.option),
      reason: '--target-phase',
    };
  }
  const target = waveTargetOf(program, {
    entityRef: document.ref,
    // In the entity's namespace, as the catalog (and the portal) resolve it.
    ownerRef: ownerRefOf(document.entity),
    ancestorsOf: options.ancestorsOf,
    phase,
  });
  if (target) {
    return {
      phase: target.targetPhase,
      reason: `wave ${target.wave.id}, due ${target.dueDate}`,
      wave: target.wave,
    };
  }
  return {
    phase: program.spec.phases[0].id,
    reason: 'the first phase; the entity is in no wave',
  };
}

export { phaseReached } from '@mesh-readiness/plugin-mesh-readiness-common';
