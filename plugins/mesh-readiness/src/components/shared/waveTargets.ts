import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  ProgramStatus,
  ScorecardSummary,
} from '../../api/MeshReadinessApi';

/** A service's wave target and how far its stored phase is from it. */
export interface WaveTarget {
  waveTitle: string;
  targetPhase: string;
  dueDate: string;
  reached: boolean;
  /** Phases between the stored phase and the target (0 when reached). */
  phasesToGo: number;
}

function canonical(ref: string, defaultKind: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The wave a service is measured against: of the program's waves that name
 * the service or its owner, the one due first whose target is not reached
 * yet, otherwise the last one due. The phase is the backend's; only its
 * position in the program's phase order is compared with the target's.
 */
export function waveTargetFor(
  service: Pick<
    ScorecardSummary,
    'entityRef' | 'owner' | 'programId' | 'phase'
  >,
  programs: ProgramStatus[],
): WaveTarget | undefined {
  const program = programs.find(p => p.id === service.programId)?.program;
  if (!program) {
    return undefined;
  }
  const order = [NOT_STARTED_PHASE, ...program.spec.phases.map(p => p.id)];
  const entityRef = canonical(service.entityRef, 'component');
  const owner = service.owner ? canonical(service.owner, 'group') : undefined;
  const waves = program.spec.waves
    .filter(
      wave =>
        (wave.entities ?? []).some(
          e => canonical(e, 'component') === entityRef,
        ) ||
        (owner !== undefined &&
          (wave.groups ?? []).some(g => canonical(g, 'group') === owner)),
    )
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  if (waves.length === 0) {
    return undefined;
  }
  const current = order.indexOf(service.phase);
  const targets = waves.map(wave => {
    const target = order.indexOf(wave.targetPhase);
    const phasesToGo = Math.max(0, target - Math.max(0, current));
    return {
      waveTitle: wave.title,
      targetPhase: wave.targetPhase,
      dueDate: wave.dueDate,
      reached: current >= 0 && target >= 0 && current >= target,
      phasesToGo,
    };
  });
  return targets.find(t => !t.reached) ?? targets[targets.length - 1];
}
