import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { CiFacts } from '../../api/MeshReadinessApi';
import {
  BASE_URL,
  componentEntity,
  history,
  storedScorecard,
  waivers,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { EntityMeshReadinessContent } from './EntityMeshReadinessContent';
import { ciFactsFileName } from './ExportCiFactsButton';

jest.setTimeout(60_000);

const ciFacts: CiFacts = {
  entityRef: 'component:default/payments',
  programId: 'istio-adoption',
  exportedAt: '2026-11-20T12:00:00.000Z',
  attestations: [
    {
      id: 'att-1',
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      itemId: 'manual.on-call',
      attestedBy: 'user:default/alice',
      role: 'owner',
      attestedAt: '2026-11-01T09:00:00.000Z',
    },
  ],
  waivers: [],
  catalog: {
    ownerIsGroup: true,
    callers: [
      {
        entityRef: 'component:default/checkout',
        phase: 'not-started',
        meshed: false,
      },
    ],
  },
};

/** The text of a Blob, whichever implementation (Node's or jsdom's) made it. */
function readBlob(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') {
    return blob.text();
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('Export for CI on the entity tab', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requestedPrograms: Array<string | null> = [];
  let created: Blob[];
  let downloads: string[];

  beforeEach(() => {
    requestedPrograms.length = 0;
    created = [];
    downloads = [];
    Object.assign(URL, {
      createObjectURL: jest.fn((blob: Blob) => {
        created.push(blob);
        return 'blob:ci-facts';
      }),
      revokeObjectURL: jest.fn(),
    });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function click(this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/:kind/:namespace/:name`,
        (_r, res, ctx) => res(ctx.json(storedScorecard())),
      ),
      rest.get(`${BASE_URL}/waivers`, (_r, res, ctx) =>
        res(ctx.json({ items: waivers })),
      ),
      rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_r, res, ctx) =>
        res(ctx.json(history)),
      ),
    );
  });

  afterEach(() => jest.restoreAllMocks());

  it('downloads the CI facts of the entity as JSON', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/component/default/payments/ci-facts`,
        (req, res, ctx) => {
          requestedPrograms.push(req.url.searchParams.get('programId'));
          return res(ctx.json(ciFacts));
        },
      ),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Export for CI' }),
    );

    await waitFor(() => expect(downloads).toEqual(['payments-ci-facts.json']));
    expect(requestedPrograms).toEqual(['istio-adoption']);
    expect(created).toHaveLength(1);
    expect(created[0].type).toBe('application/json');
    expect(JSON.parse(await readBlob(created[0]))).toEqual(ciFacts);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:ci-facts');
    expect(screen.getByRole('button', { name: 'Export for CI' })).toBeEnabled();
  });

  it('says why the export failed and downloads nothing', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/component/default/payments/ci-facts`,
        (_req, res, ctx) =>
          res(
            ctx.status(403),
            ctx.json({
              error: {
                name: 'NotAllowedError',
                message: 'mesh-readiness.scorecard.read is not allowed',
              },
            }),
          ),
      ),
    );
    const { alertApi } = await renderPluginView(
      <EntityMeshReadinessContent />,
      { entity: componentEntity },
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Export for CI' }),
    );

    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: expect.stringMatching(
          /^Export for CI failed: .*mesh-readiness\.scorecard\.read is not allowed/,
        ),
        severity: 'error',
      }),
    );
    expect(downloads).toEqual([]);
    expect(created).toEqual([]);
  });

  it('names the file after the entity', () => {
    expect(ciFactsFileName('component:default/payments')).toBe(
      'payments-ci-facts.json',
    );
    expect(ciFactsFileName('component:shop/a b')).toBe('a_b-ci-facts.json');
  });
});
