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
  WaveSubject,
  WaveTarget,
} from './waveTarget';
