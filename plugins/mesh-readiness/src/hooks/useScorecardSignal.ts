import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  meshReadinessEntityChannel,
  type MeshReadinessEntitySignal,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * How long to wait after the last signal before reading again: a run that
 * stores several programs' scorecards of one entity, or an attestation
 * followed by its re-evaluation, comes to one read.
 */
export const SCORECARD_SIGNAL_DEBOUNCE_MS = 500;

/**
 * Calls `onStored` when the backend stored a scorecard of the entity (its
 * signals channel), at most once per burst of signals. Reading the
 * scorecard publishes nothing, so the read that follows cannot loop. Without
 * the signals plugin in the app (no signal API), nothing subscribes and the
 * page reads its scorecard as before: on load and on its own actions.
 */
export function useScorecardSignal(
  entityRef: string,
  onStored: () => void,
  debounceMs: number = SCORECARD_SIGNAL_DEBOUNCE_MS,
): void {
  const { lastSignal } = useSignal<MeshReadinessEntitySignal>(
    meshReadinessEntityChannel(entityRef),
  );
  // The latest callback, so that a re-render does not restart the wait.
  const onStoredRef = useRef(onStored);
  useEffect(() => {
    onStoredRef.current = onStored;
  }, [onStored]);

  useEffect(() => {
    if (!lastSignal) {
      return undefined;
    }
    // Each signal restarts the wait (its cleanup clears the previous one).
    const timer = setTimeout(() => onStoredRef.current(), debounceMs);
    return () => clearTimeout(timer);
  }, [lastSignal, debounceMs]);
}
