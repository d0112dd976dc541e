import { titleCase } from '../components/shared/phases';
import type { ProgramStatus } from '../api/MeshReadinessApi';
import { usePrograms } from './usePrograms';
import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';

/** Resolves a phase id of a program to the title the program gives it. */
export type PhaseTitleFn = (phase: string, programId?: string) => string;

/**
 * Phase titles of every configured program, for views that list summaries
 * (which carry phase ids only). Falls back to the id while loading or when a
 * program is unknown.
 */
export function usePhaseTitles(): PhaseTitleFn {
  return phaseTitleFn(usePrograms());
}

/** Phase titles from already loaded programs. */
export function phaseTitleFn(programs: ProgramStatus[]): PhaseTitleFn {
  return (phase, programId) => {
    if (phase === NOT_STARTED_PHASE) {
      return 'Not started';
    }
    const candidates = programId
      ? programs.filter(p => p.id === programId)
      : programs;
    for (const status of candidates) {
      const found = status.program?.spec.phases.find(p => p.id === phase);
      if (found) {
        return found.title;
      }
    }
    return titleCase(phase);
  };
}
