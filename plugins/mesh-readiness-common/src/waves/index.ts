export {
  groupAncestryOf,
  isInWave,
  phaseReached,
  waveMembership,
  wavesOf,
  waveTargetOf,
} from './waveTarget';
export type {
  GroupAncestry,
  GroupHierarchyEntity,
  WaveProgram,
  WaveSubject,
  WaveTarget,
} from './waveTarget';
