import { ResponseError } from '@backstage/errors';

/**
 * The message to show for a failed action: the backend's own explanation
 * for an HTTP error (for example a validation or permission message), the
 * error's message otherwise.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message
      ? `${error.body.error.message} (${error.statusCode})`
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
