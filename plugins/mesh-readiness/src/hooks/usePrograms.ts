import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { ProgramStatus, meshReadinessApiRef } from '../api/MeshReadinessApi';

/** The configured programs with their status; empty while loading or on error. */
export function usePrograms(): ProgramStatus[] {
  const api = useApi(meshReadinessApiRef);
  const { value } = useAsync(() => api.listPrograms(), [api]);
  return value ?? [];
}
