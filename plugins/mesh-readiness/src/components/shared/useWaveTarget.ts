import {
  waveTargetOf,
  type WaveTarget,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ProgramStatus } from '../../api/MeshReadinessApi';
import { useGroupAncestry } from './useGroupAncestry';

/** What the wave target of one service is computed from. */
export interface WaveTargetService {
  entityRef: string;
  owner?: string;
  programId: string;
  phase: string;
}

/**
 * The wave target of services, by common's one rule, against the program
 * each one is scored with and the catalog's group hierarchy.
 */
export function useWaveTarget(
  programs: ProgramStatus[],
): (service: WaveTargetService) => WaveTarget | undefined {
  const ancestorsOf = useGroupAncestry();
  return service => {
    const program = programs.find(p => p.id === service.programId)?.program;
    return program
      ? waveTargetOf(program, {
          entityRef: service.entityRef,
          ownerRef: service.owner,
          ancestorsOf,
          phase: service.phase,
        })
      : undefined;
  };
}
