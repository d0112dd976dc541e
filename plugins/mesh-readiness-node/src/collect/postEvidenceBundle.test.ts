import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { EvidenceBundle } from '@mesh-readiness/plugin-mesh-readiness-common';
import { resolve } from 'node:path';
import { buildEvidenceBundle } from './evidenceBundle';
import {
  EvidencePostError,
  evidenceEndpointUrl,
  postEvidenceBundle,
} from './postEvidenceBundle';
import { readKubectlDump } from './readKubectlDump';

interface Received {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A portal stand-in: records what it got and answers as told. */
async function startPortal(answer: { status: number; body?: string }) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')),
      });
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>(done => server.close(() => done())),
  };
}

const backstageError = (name: string, message: string, statusCode: number) =>
  JSON.stringify({
    error: { name, message },
    request: { method: 'POST', url: '/evidence/clusters/identity-eu' },
    response: { statusCode },
  });

describe('postEvidenceBundle', () => {
  let bundle: EvidenceBundle;
  beforeAll(async () => {
    bundle = buildEvidenceBundle({
      cluster: 'identity-eu',
      collector: { name: 'test', version: '1' },
      snapshot: await readKubectlDump(
        resolve(__dirname, '../../../../examples/clusters/identity-eu'),
        { cluster: 'identity-eu' },
      ),
    });
  });

  it('posts the bundle gzip-compressed with the bearer token', async () => {
    const portal = await startPortal({
      status: 202,
      body: JSON.stringify({ cluster: 'identity-eu', stored: true }),
    });
    try {
      const result = await postEvidenceBundle(
        `${portal.url}/backstage`,
        'identity-eu',
        bundle,
        { token: 'collector-token' },
      );
      expect(result).toMatchObject({
        url: `${portal.url}/backstage/api/mesh-readiness/evidence/clusters/identity-eu`,
        status: 202,
        response: { cluster: 'identity-eu', stored: true },
      });
      expect(portal.received).toHaveLength(1);
      const [request] = portal.received;
      expect(request.method).toBe('POST');
      expect(request.url).toBe(
        '/backstage/api/mesh-readiness/evidence/clusters/identity-eu',
      );
      expect(request.headers).toMatchObject({
        authorization: 'Bearer collector-token',
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(result.bytes),
      });
      expect(request.body).toEqual(bundle);
    } finally {
      await portal.close();
    }
  });

  it.each([
    [
      400,
      'InputError',
      'snapshot.pods[3].name: expected a string',
      /^the portal refused the bundle as invalid \(400\): snapshot\.pods\[3\]\.name: expected a string$/,
    ],
    [
      401,
      'AuthenticationError',
      'Illegal token',
      /did not accept the token \(401\).*externalAccess.*: Illegal token$/,
    ],
    [
      403,
      'NotAllowedError',
      'token may not push for identity-eu',
      /may not push cluster evidence \(403\).*: token may not push for identity-eu$/,
    ],
    [
      409,
      'ConflictError',
      'a bundle collected later is stored',
      /\(409 conflict\): a bundle collected later is stored$/,
    ],
    [
      413,
      'PayloadTooLargeError',
      'request entity too large',
      /too large for the portal \(413, \d+ bytes compressed\): request entity too large$/,
    ],
  ])(
    'says why the portal refused it (%i)',
    async (status, name, message, expected) => {
      const portal = await startPortal({
        status,
        body: backstageError(name, message, status),
      });
      try {
        const post = postEvidenceBundle(portal.url, 'identity-eu', bundle, {
          token: 't',
        });
        await expect(post).rejects.toThrow(EvidencePostError);
        await expect(post).rejects.toThrow(expected);
        await expect(post).rejects.toMatchObject({ status });
      } finally {
        await portal.close();
      }
    },
  );

  it('keeps an HTML error page out of the message', async () => {
    const portal = await startPortal({
      status: 502,
      body: '<html><body>Bad gateway</body></html>',
    });
    try {
      await expect(
        postEvidenceBundle(portal.url, 'identity-eu', bundle, { token: 't' }),
      ).rejects.toThrow(
        `the portal answered 502 to ${portal.url}/api/mesh-readiness/evidence/clusters/identity-eu`,
      );
    } finally {
      await portal.close();
    }
  });

  it('says when the portal cannot be reached', async () => {
    const portal = await startPortal({ status: 200 });
    await portal.close();
    await expect(
      postEvidenceBundle(portal.url, 'identity-eu', bundle, { token: 't' }),
    ).rejects.toThrow(
      new RegExp(
        `^could not reach ${portal.url}: fetch failed \\(.*ECONNREFUSED`,
      ),
    );
  });

  it('refuses to post without a token or for another cluster', async () => {
    await expect(
      postEvidenceBundle('http://127.0.0.1:9', 'identity-eu', bundle, {
        token: '',
      }),
    ).rejects.toThrow('no token');
    await expect(
      postEvidenceBundle('http://127.0.0.1:9', 'prod-eu', bundle, {
        token: 't',
      }),
    ).rejects.toThrow("the bundle is of cluster 'identity-eu', not 'prod-eu'");
  });
});

describe('evidenceEndpointUrl', () => {
  it.each([
    [
      'https://portal.example.com',
      'https://portal.example.com/api/mesh-readiness/evidence/clusters/prod-eu',
    ],
    [
      'https://portal.example.com/',
      'https://portal.example.com/api/mesh-readiness/evidence/clusters/prod-eu',
    ],
    [
      'https://example.com/backstage/',
      'https://example.com/backstage/api/mesh-readiness/evidence/clusters/prod-eu',
    ],
    [
      'http://localhost:7007/api/mesh-readiness',
      'http://localhost:7007/api/mesh-readiness/evidence/clusters/prod-eu',
    ],
  ])('%s', (base, expected) => {
    expect(evidenceEndpointUrl(base, 'prod-eu').toString()).toBe(expected);
  });

  it('encodes the cluster name as one path segment', () => {
    expect(
      evidenceEndpointUrl('https://p.example.com', '../admin').pathname,
    ).toBe('/api/mesh-readiness/evidence/clusters/..%2Fadmin');
  });

  it.each([
    ['portal.example.com', 'is not a URL'],
    ['ftp://portal.example.com', 'is not an http: or https: URL'],
    ['https://portal.example.com/?x=1', 'has a query or fragment'],
  ])('refuses %s', (base, message) => {
    expect(() => evidenceEndpointUrl(base, 'prod-eu')).toThrow(message);
  });
});
