/*
 * Reading the body of a pushed evidence bundle. Bundles are far larger than
 * the API's other bodies (a cluster's snapshot runs to megabytes) and may
 * arrive gzip-compressed, so their route reads the body itself instead of
 * the JSON parser in front of the API: it counts the bytes as they stream,
 * on the wire and after inflating, and stops at the limit, so neither a
 * large body nor a small gzip that inflates to gigabytes is held in memory.
 */
import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RequestBodyTooLargeError } from './requestBodies';

/** The path of the push route, as Express matches it. */
export const EVIDENCE_PUSH_ROUTE = '/evidence/clusters/:cluster';

/**
 * Whether a request is a push of an evidence bundle, whose body its route
 * reads (the JSON parser in front of the API leaves it alone).
 */
export function isEvidencePush(req: Request): boolean {
  return (
    req.method === 'POST' && /^\/evidence\/clusters\/[^/]+$/.test(req.path)
  );
}

/** `20 MiB`, `64 KiB`, or bytes when neither is whole. */
function describeSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(maxBytes: number, what: string): RequestBodyTooLargeError {
  return new RequestBodyTooLargeError(
    `the evidence bundle ${what} larger than ${describeSize(
      maxBytes,
    )} (${maxBytes} bytes), the limit of meshReadiness.evidence.cluster.push.maxBundleBytes`,
  );
}

/** How the body is compressed: gzip, or not at all. */
function isGzip(req: Request): boolean {
  const encoding = (req.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim();
  if (encoding === 'gzip' || encoding === 'x-gzip') return true;
  if (encoding !== 'identity' && encoding !== '') {
    throw new InputError(
      `Content-Encoding ${JSON.stringify(
        encoding,
      )} is not accepted; send the bundle as JSON, gzip-compressed or not`,
    );
  }
  const type = (req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  return type === 'application/gzip' || type === 'application/x-gzip';
}

/**
 * Collects a stream up to `maxBytes`; rejects with `onTooLarge()` as soon
 * as it passes them.
 */
function collect(
  stream: Readable,
  maxBytes: number,
  onTooLarge: () => Error,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) {
        chunks.length = 0;
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, length));
      }
    };
    stream.on('data', (chunk: Buffer) => {
      // Past the limit (or a fault) nothing more is kept.
      if (settled) return;
      length += chunk.length;
      if (length > maxBytes) {
        settle(onTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => settle());
    stream.once('error', error => settle(error));
    stream.once('close', () =>
      settle(new InputError('the request ended before its body was complete')),
    );
  });
}

/**
 * The JSON value of a pushed bundle's body: plain JSON, or gzip
 * (`Content-Encoding: gzip`, or `Content-Type: application/gzip`). 413 as
 * soon as the body or its inflated JSON passes `maxBytes` (a declared
 * `Content-Length` past it is refused before anything is read); 400 for a
 * body that is not gzip where it says so, or not JSON. On a refusal the
 * rest of the body is read and dropped, so that the client receives the
 * answer instead of a reset connection.
 */
export async function readEvidenceBundleBody(
  req: Request,
  options: { maxBytes: number },
): Promise<unknown> {
  const { maxBytes } = options;
  const gzip = isGzip(req);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Nothing was read: Node drops the body once the answer is sent.
    throw tooLarge(maxBytes, `of ${declared} bytes is`);
  }
  let json: Buffer;
  if (!gzip) {
    try {
      json = await collect(req, maxBytes, () => tooLarge(maxBytes, 'is'));
    } catch (error) {
      req.resume();
      throw error;
    }
  } else {
    const gunzip = createGunzip();
    const wire = collect(req, maxBytes, () => tooLarge(maxBytes, 'is'));
    const inflated = collect(gunzip, maxBytes, () =>
      tooLarge(maxBytes, 'inflates to'),
    );
    req.pipe(gunzip);
    try {
      [json] = await Promise.all([inflated, wire]);
    } catch (error) {
      req.unpipe(gunzip);
      gunzip.destroy();
      req.resume();
      wire.catch(() => undefined);
      inflated.catch(() => undefined);
      if ((error as { code?: string }).code?.startsWith('Z_')) {
        throw new InputError(
          `the request body is not valid gzip: ${(error as Error).message}`,
        );
      }
      throw error;
    }
  }
  try {
    return JSON.parse(json.toString('utf8'));
  } catch {
    // JSON.parse's message quotes the text around the fault; the answer
    // does not repeat what was posted.
    throw new InputError(
      `the evidence bundle is not valid JSON (${json.length} bytes${
        gzip ? ' after inflating' : ''
      })`,
    );
  }
}
