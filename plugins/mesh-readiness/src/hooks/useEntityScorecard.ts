import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshReadinessApiRef } from '../api/MeshReadinessApi';
import { useScorecardSignal } from './useScorecardSignal';

/**
 * Loads the stored scorecard of an entity; `value` is undefined when none.
 * Reads it again when the backend signals that it stored a new one, keeping
 * the shown value while it reads (`loading` with a `value`).
 */
export function useEntityScorecard(entityRef: string) {
  const api = useApi(meshReadinessApiRef);
  const state = useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );
  useScorecardSignal(entityRef, state.retry);
  return state;
}
