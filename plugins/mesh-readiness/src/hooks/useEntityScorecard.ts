import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshReadinessApiRef } from '../api/MeshReadinessApi';

/** Loads the stored scorecard of an entity; `value` is undefined when none. */
export function useEntityScorecard(entityRef: string) {
  const api = useApi(meshReadinessApiRef);
  return useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );
}
