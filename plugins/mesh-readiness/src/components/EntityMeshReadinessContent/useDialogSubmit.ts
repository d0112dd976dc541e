import { useCallback, useState } from 'react';
import { errorMessage } from '../shared/errorMessage';

/**
 * The submit state the attest and waiver dialogs share: while the action
 * runs the dialog cannot be closed, and a failure stays in the dialog as a
 * message (with the input kept) instead of closing it.
 */
export function useDialogSubmit() {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const run = useCallback(async (action: () => Promise<void>) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  }, []);

  return { submitting, error, run };
}
