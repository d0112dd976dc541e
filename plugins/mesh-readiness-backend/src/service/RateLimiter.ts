import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { CustomErrorBase } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';

/** A caller used up its budget; the router answers 429 with `Retry-After`. */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** Who a request counts against: the user, or the calling service. */
export function callerOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return principal.type;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per caller: `perMinute` requests a minute on average and
 * as many at once after a quiet minute. Buckets live in this process's
 * memory, so with several replicas each one counts on its own (a caller
 * spread over N replicas gets up to N times the budget).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;

  constructor(
    /** What is limited, for the error message (e.g. `refresh`). */
    private readonly what: string,
    /** The config key that sets the limit, for the error message. */
    private readonly configKey: string,
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
    /** Buckets kept at most; full (idle) buckets are dropped past it. */
    private readonly maxCallers = 10_000,
  ) {
    if (!(perMinute > 0)) {
      throw new Error(
        `${configKey} must be a positive number (got ${perMinute})`,
      );
    }
    this.tokensPerMs = perMinute / 60_000;
  }

  /** Takes one token of the caller or throws TooManyRequestsError. */
  take(caller: string): void {
    const now = this.clock();
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      if (this.buckets.size >= this.maxCallers) this.dropIdle(now);
      bucket = { tokens: this.perMinute, updatedAt: now };
      this.buckets.set(caller, bucket);
    } else {
      bucket.tokens = Math.min(
        this.perMinute,
        bucket.tokens + (now - bucket.updatedAt) * this.tokensPerMs,
      );
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((1 - bucket.tokens) / this.tokensPerMs / 1000),
    );
    throw new TooManyRequestsError(
      `too many ${this.what} requests from ${caller}: at most ${this.perMinute} a minute (${this.configKey}); retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }

  private dropIdle(now: number) {
    for (const [caller, bucket] of this.buckets) {
      const tokens =
        bucket.tokens + (now - bucket.updatedAt) * this.tokensPerMs;
      if (tokens >= this.perMinute) this.buckets.delete(caller);
    }
    if (this.buckets.size >= this.maxCallers) {
      // Every caller is active: forget the oldest (insertion order).
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

/**
 * Error middleware that turns `retryAfterSeconds` of an error (429 from a
 * rate limit, 503 from a busy evaluation pool) into a `Retry-After` header;
 * the Backstage error handler after it writes the body.
 */
export function retryAfterHeader(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const retryAfter = (error as { retryAfterSeconds?: unknown })
      ?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && !res.headersSent) {
      res.setHeader('Retry-After', String(retryAfter));
    }
    next(error);
  };
}

/** Defaults of `meshReadiness.rateLimit`, per caller and minute. */
export const DEFAULT_RATE_LIMITS = {
  refreshPerMinute: 30,
  evaluatePerMinute: 20,
};

/**
 * The limiters configured under `meshReadiness.rateLimit` (see config.d.ts);
 * none when `enabled` is false.
 */
export function readRateLimits(
  config: Config | undefined,
  clock?: () => number,
): { refresh?: RateLimiter; evaluate?: RateLimiter } {
  const limits = config?.getOptionalConfig('rateLimit');
  if (limits?.getOptionalBoolean('enabled') === false) {
    return {};
  }
  return {
    refresh: new RateLimiter(
      'refresh',
      'meshReadiness.rateLimit.refreshPerMinute',
      limits?.getOptionalNumber('refreshPerMinute') ??
        DEFAULT_RATE_LIMITS.refreshPerMinute,
      clock,
    ),
    evaluate: new RateLimiter(
      'evaluate',
      'meshReadiness.rateLimit.evaluatePerMinute',
      limits?.getOptionalNumber('evaluatePerMinute') ??
        DEFAULT_RATE_LIMITS.evaluatePerMinute,
      clock,
    ),
  };
}
