import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';
import { randomBytes } from 'node:crypto';

/**
 * Status codes of the errors the API throws on purpose. Their messages are
 * written for the caller (what was wrong and where) and are sent as they
 * are.
 */
const STATUS_BY_ERROR_NAME: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  RequestBodyTooLargeError: 413,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/** The error body of every failed request, as Backstage writes it. */
export interface ErrorResponseBody {
  error: { name: string; message: string };
  request: { method: string; url: string };
  response: { statusCode: number };
}

function clientErrorStatus(error: Error): number | undefined {
  // http-errors (body-parser: malformed JSON, unsupported charset) and our
  // own limits (429) carry a 4xx status; their messages are for the caller.
  for (const field of ['statusCode', 'status'] as const) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= 400 &&
      value <= 499
    ) {
      return value;
    }
  }
  return undefined;
}

/**
 * The error handler of the plugin's router. Known errors keep their message
 * and get their status (InputError 400, AuthenticationError 401,
 * NotAllowedError 403, NotFoundError 404, ConflictError 409, a body past its
 * limit 413, other client errors their 4xx). Anything else is a 500 whose
 * message is replaced by a generic text with a log id: database errors
 * quote SQL, file system errors quote paths of the machine. The full error
 * is logged under that id. Stack traces are never sent, whatever NODE_ENV.
 */
export function createErrorHandler(logger: LoggerService): ErrorRequestHandler {
  const errorLogger = logger.child({ type: 'errorHandler' });
  return (rawError, req, res, next) => {
    const error: Error = isError(rawError)
      ? (rawError as Error)
      : new Error(String(rawError));
    let statusCode =
      STATUS_BY_ERROR_NAME[error.name] ?? clientErrorStatus(error) ?? 500;
    let name = error.name;
    let message = error.message;
    if (statusCode >= 500 && !(error.name in STATUS_BY_ERROR_NAME)) {
      statusCode = 500;
      const logId = randomBytes(10).toString('hex');
      errorLogger.error(
        `${req.method} ${req.originalUrl} failed with status 500 (logId=${logId})`,
        error,
      );
      name = 'Error';
      message = `An internal error occurred (logId=${logId})`;
    } else if (statusCode >= 500) {
      errorLogger.error(
        `${req.method} ${req.originalUrl} failed with status ${statusCode}: ${error.message}`,
      );
    }
    if (res.headersSent) {
      next(rawError);
      return;
    }
    const body: ErrorResponseBody = {
      error: { name, message },
      request: { method: req.method, url: req.url },
      response: { statusCode },
    };
    res.status(statusCode).json(body);
  };
}
