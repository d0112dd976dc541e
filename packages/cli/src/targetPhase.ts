import {
  entityRefOf,
  NOT_STARTED_PHASE,
  Program,
  ProgramWave,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from './errors';
import { CatalogEntity, parseRef } from './inputs/catalog';

export interface TargetPhase {
  phase: string;
  /** Why this target: the option, a wave, or the fallback. */
  reason: string;
  wave?: ProgramWave;
}

/**
 * The phase a run must reach to exit 0.
 *
 * `--target-phase` wins. Otherwise the waves of the program the entity
 * belongs to (listed by entity ref, or through its owner Group) decide: the
 * wave with the nearest due date that is today or later — the commitment the
 * team is working toward — or, when every wave is past due, the last one.
 * An entity in no wave must reach the program's first phase (`pilot`).
 */
export function resolveTargetPhase(
  program: Program,
  entity: CatalogEntity,
  now: string,
  option?: string,
): TargetPhase {
  const phaseIds = program.spec.phases.map(phase => phase.id);
  if (option !== undefined) {
    if (!phaseIds.includes(option)) {
      throw new InputError(
        `unknown phase '${option}' for --target-phase; program ${
          program.metadata.name
        } has ${phaseIds.join(', ')}`,
      );
    }
    return { phase: option, reason: '--target-phase' };
  }
  const waves = wavesOf(program, entity).sort((a, b) =>
    a.dueDate.localeCompare(b.dueDate),
  );
  const today = now.slice(0, 10);
  const wave =
    waves.find(candidate => candidate.dueDate >= today) ??
    waves[waves.length - 1];
  if (wave) {
    return {
      phase: wave.targetPhase,
      reason: `wave ${wave.id}, due ${wave.dueDate}`,
      wave,
    };
  }
  return {
    phase: phaseIds[0],
    reason: 'the first phase; the entity is in no wave',
  };
}

function wavesOf(program: Program, entity: CatalogEntity): ProgramWave[] {
  const ref = entityRefOf(entity).toLocaleLowerCase('en-US');
  const owner =
    typeof entity.spec?.owner === 'string' && entity.spec.owner !== ''
      ? safeRef(entity.spec.owner, 'group')
      : undefined;
  return program.spec.waves.filter(wave => {
    const entities = (wave.entities ?? []).map(member =>
      safeRef(member, 'component'),
    );
    const groups = (wave.groups ?? []).map(member => safeRef(member, 'group'));
    return (
      entities.includes(ref) || (owner !== undefined && groups.includes(owner))
    );
  });
}

function safeRef(text: string, defaultKind: string): string | undefined {
  try {
    return parseRef(text, defaultKind).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** Whether `phase` is `target` or beyond, in the program's phase order. */
export function phaseReached(
  program: Program,
  phase: string,
  target: string,
): boolean {
  const order = program.spec.phases.map(candidate => candidate.id);
  const reached = phase === NOT_STARTED_PHASE ? -1 : order.indexOf(phase);
  return reached >= order.indexOf(target);
}
