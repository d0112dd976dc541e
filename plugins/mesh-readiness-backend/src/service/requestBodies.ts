import type { Config } from '@backstage/config';
import { CustomErrorBase, InputError } from '@backstage/errors';
import express, { type RequestHandler } from 'express';
import { spec } from '../schema/openapi';

/** A request body past the limit of its operation; answered with 413. */
export class RequestBodyTooLargeError extends CustomErrorBase {
  name = 'RequestBodyTooLargeError' as const;
  readonly statusCode = 413;
}

/** Largest JSON request bodies, in bytes. */
export interface RequestBodyLimits {
  /** `POST /evaluate`. */
  evaluate: number;
  /** Every other operation. */
  other: number;
}

/** The limits the spec states (`x-body-limit`), before configuration. */
export const SPEC_BODY_LIMITS: RequestBodyLimits = {
  evaluate: spec.paths['/evaluate'].post['x-body-limit'],
  other: spec['x-body-limit'],
};

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
};

/**
 * Bytes from a number or a size such as `16mb` (binary units, as Express
 * reads them); an InputError naming the key otherwise.
 */
export function parseByteSize(value: number | string, key: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
    if (match) {
      const bytes = Math.floor(
        Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()],
      );
      if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
    }
  }
  throw new InputError(
    `${key}: ${JSON.stringify(
      value,
    )} is not a size; give bytes (e.g. 16777216) or a size such as "16mb"`,
  );
}

/** The limits with `meshReadiness.api.evaluateBodyLimit` applied. */
export function readRequestBodyLimits(
  config: Config | undefined,
): RequestBodyLimits {
  const key = 'meshReadiness.api.evaluateBodyLimit';
  const configured = config?.getOptional<number | string>(
    'api.evaluateBodyLimit',
  );
  return {
    evaluate:
      configured === undefined
        ? SPEC_BODY_LIMITS.evaluate
        : parseByteSize(configured, key),
    other: SPEC_BODY_LIMITS.other,
  };
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) {
    return `${bytes / (1024 * 1024)} MiB`;
  }
  if (bytes >= 1024 && bytes % 1024 === 0) {
    return `${bytes / 1024} KiB`;
  }
  return `${bytes} bytes`;
}

/**
 * Parses JSON bodies with the limit of their operation. It runs before the
 * OpenAPI router so that a body past its limit is a 413 (the validator's
 * error transformer would turn any parse error into a 400), and a body that
 * is not JSON a 400 saying so.
 */
export function parseJsonBodies(limits: RequestBodyLimits): RequestHandler {
  const evaluateParser = express.json({ limit: limits.evaluate });
  const otherParser = express.json({ limit: limits.other });
  return (req, res, next) => {
    const isEvaluate = req.method === 'POST' && req.path === '/evaluate';
    const limit = isEvaluate ? limits.evaluate : limits.other;
    const parser = isEvaluate ? evaluateParser : otherParser;
    parser(req, res, (error?: unknown) => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: unknown }).type;
      if (type === 'entity.too.large') {
        const length = (error as { length?: unknown }).length;
        next(
          new RequestBodyTooLargeError(
            `the request body${
              typeof length === 'number' ? ` of ${length} bytes` : ''
            } is larger than the ${describeBytes(
              limit,
            )} (${limit} bytes) that ${req.method} ${req.path} accepts${
              isEvaluate
                ? ' (meshReadiness.api.evaluateBodyLimit)'
                : ' (x-body-limit of the API spec)'
            }`,
          ),
        );
        return;
      }
      if (type === 'entity.parse.failed') {
        next(
          new InputError(
            `the request body is not valid JSON: ${(error as Error).message}`,
          ),
        );
        return;
      }
      next(error);
    });
  };
}
