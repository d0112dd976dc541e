export {
  loadProgram,
  loadProgramWithAnalyzers,
  MAX_PROGRAM_BYTES,
} from './loadProgram';
export type { ProgramLoadResult } from './loadProgram';
export type { AnalyzerDescriptor } from './programReferences';
export { CONVENTIONAL_PHASE_ORDER } from './programReferences';
export {
  addIsoDuration,
  dateProblem,
  durationProblem,
  parseIsoDuration,
} from './formats';
export type { IsoDuration } from './formats';
export { DEFAULT_PROGRAM_IDS } from './defaultPrograms';
export type { DefaultProgramId } from './defaultPrograms';
export { formatProblem } from './formatProblem';
