import { registerMswTestHooks } from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type {
  AttestorRoles,
  StoredScorecard,
  Waiver,
} from '../../api/MeshReadinessApi';
import {
  BASE_URL,
  componentEntity,
  componentWithoutAnnotation,
  history,
  storedScorecard,
  waivers,
  programs,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { TestSignalApi } from '../../__testUtils__/testSignalApi';
import { SCORECARD_SIGNAL_DEBOUNCE_MS } from '../../hooks/useScorecardSignal';
import { EntityMeshReadinessContent } from './EntityMeshReadinessContent';

const scorecardPath = `${BASE_URL}/scorecards/:kind/:namespace/:name`;

// Typing without delays between keystrokes keeps the dialog tests fast.
const user = () => userEvent.setup({ delay: null });

// Rendering MUI dialogs and typing is slow on small CI machines.
jest.setTimeout(60_000);

/** The user holds every role, unless a test says otherwise. */
const allRolesHeld: AttestorRoles = {
  entityRef: 'component:default/payments',
  roles: [
    {
      role: 'owner',
      held: true,
      reason:
        'you are a member of group:default/payments-team, which owns component:default/payments',
    },
    {
      role: 'security',
      held: true,
      reason: 'you are a member of group:default/security-team',
    },
    {
      role: 'platform',
      held: true,
      reason: 'you are a member of group:default/platform-team',
    },
  ],
};

/** Serves the entity endpoints; returns what the frontend posted. */
function serveEntity(
  server: ReturnType<typeof setupServer>,
  options: {
    scorecard?: () => StoredScorecard;
    waivers?: () => Waiver[];
    roles?: AttestorRoles;
  } = {},
) {
  const posted: Array<{ path: string; body: any }> = [];
  server.use(
    rest.get(`${BASE_URL}/attestations/roles`, (_req, res, ctx) =>
      res(ctx.json(options.roles ?? allRolesHeld)),
    ),
    rest.get(scorecardPath, (_req, res, ctx) =>
      res(ctx.json((options.scorecard ?? (() => storedScorecard()))())),
    ),
    rest.get(`${BASE_URL}/waivers`, (_req, res, ctx) =>
      res(ctx.json({ items: (options.waivers ?? (() => waivers))() })),
    ),
    rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_req, res, ctx) =>
      res(ctx.json(history)),
    ),
  );
  return posted;
}

describe('EntityMeshReadinessContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // Every view of the tab asks which roles the user holds, and the
  // programs (for the wave target in the header).
  beforeEach(() =>
    server.use(
      rest.get(`${BASE_URL}/attestations/roles`, (_req, res, ctx) =>
        res(ctx.json(allRolesHeld)),
      ),
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
    ),
  );

  it('shows phases as steps with checks, evidence and remediation', async () => {
    serveEntity(server);
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });

    expect(await screen.findByLabelText('Phase: Pilot')).toBeInTheDocument();
    expect(
      screen.getByText('— without cluster and metrics evidence'),
    ).toBeInTheDocument();

    // The next phase is selected: its failing check is expanded.
    const stepper = screen.getByLabelText('Phases');
    for (const title of ['Pilot', 'Expand', 'Enforce', 'Sustain']) {
      expect(within(stepper).getByText(title)).toBeInTheDocument();
    }
    expect(screen.getByText('Expand: checks')).toBeInTheDocument();
    expect(
      screen.getAllByText('Service ports declare a protocol').length,
    ).toBeGreaterThan(0);
    const evidence = screen.getByRole('list', { name: 'Evidence' });
    expect(
      within(evidence).getByRole('link', { name: /deploy\/service\.yaml:12/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example.com/pay/blob/main/deploy/service.yaml#L12',
    );
    expect(
      within(evidence).getByText(/Service pay\/payments/),
    ).toBeInTheDocument();
    // An unsafe URL is shown as text, never as a link.
    expect(
      within(evidence).getByText('deploy/other.yaml:3'),
    ).toBeInTheDocument();
    expect(
      within(evidence).queryByRole('link', { name: /deploy\/other\.yaml:3/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Name ports with their protocol (http-, grpc-).'),
    ).toBeInTheDocument();

    // Checklist of the phase, with who attested when and until when.
    const checklist = screen.getByRole('list', { name: 'Checklist' });
    expect(
      within(checklist).getByText(/Attested by user:default\/alice as owner/),
    ).toHaveTextContent(/valid until/);
    expect(
      within(checklist).getByRole('link', { name: /^evidence/ }),
    ).toHaveAttribute('href', 'https://grafana.example.com/d/payments');

    // Selecting another phase shows its checks.
    await user().click(within(stepper).getByText('Pilot'));
    expect(screen.getByText('Pilot: checks')).toBeInTheDocument();
    expect(screen.getByText('Owner is a group')).toBeInTheDocument();

    // Waivers and history.
    expect(
      await screen.findByRole('table', { name: 'Waivers' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Legacy port until the Q1 migration'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/2 recorded changes since/),
    ).toBeInTheDocument();
  });

  it("shows the entity's wave target in the header", async () => {
    serveEntity(server);
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });

    // Wave 1 names the owner, team-a; the stored phase is Pilot.
    expect(
      await screen.findByText(/^Expand by .*: 1 phase to go$/),
    ).toHaveAttribute('data-target-phase', 'expand');
    expect(screen.getByText(/^Wave target:/)).toHaveTextContent('Wave 1');
  });

  it('attests a checklist item from a labelled, keyboard-usable dialog', async () => {
    let attested = false;
    let readsAfterAttest = 0;
    const posted: any[] = [];
    serveEntity(server, {
      scorecard: () => {
        const stored = storedScorecard();
        // The backend re-evaluates in the background: the first read after
        // the attestation still returns the previous scorecard.
        if (attested && ++readsAfterAttest > 1) {
          stored.checkedAt = '2026-11-20T12:00:01.000Z';
          stored.scorecard.evaluatedAt = '2026-11-20T12:00:01.000Z';
          stored.scorecard.phase = 'expand';
          stored.scorecard.nextPhase = 'enforce';
          stored.scorecard.checklist[0] = {
            ...stored.scorecard.checklist[0],
            status: 'attested',
            attestation: {
              id: 'att-2',
              attestedBy: 'user:default/mia',
              role: 'security',
              attestedAt: '2026-11-20T12:00:00.000Z',
              evidenceUrl: 'https://tickets.example.com/SEC-42',
            },
          };
        }
        return stored;
      },
    });
    server.use(
      rest.post(`${BASE_URL}/attestations`, async (req, res, ctx) => {
        posted.push(await req.json());
        attested = true;
        return res(
          ctx.status(201),
          ctx.json({
            id: 'att-2',
            entityRef: 'component:default/payments',
            programId: 'istio-adoption',
            itemId: 'security.review',
            attestedBy: 'user:default/mia',
            role: 'security',
            attestedAt: '2026-11-20T12:00:00.000Z',
          }),
        );
      }),
    );
    const { alertApi } = await renderPluginView(
      <EntityMeshReadinessContent />,
      {
        entity: componentEntity,
      },
    );

    await user().click(
      await screen.findByRole('button', {
        name: 'Attest Security posture review',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Attest: Security posture review',
    });
    // The keyboard reaches the fields: Tab moves focus into the form.
    await user().tab();
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    const evidence = within(dialog).getByLabelText('Evidence link');

    // A javascript: link is refused before anything is sent.
    const u = user();
    await u.click(evidence);
    await u.paste(['javascript', 'alert(1)'].join(':'));
    expect(
      within(dialog).getByText(
        'Use an http(s) URL or a portal path starting with /.',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Attest' }),
    ).toBeDisabled();

    await u.clear(evidence);
    await u.paste('https://tickets.example.com/SEC-42');
    await u.click(within(dialog).getByLabelText('Comment'));
    await u.paste('Reviewed with the security team');
    // Enter in a single-line field submits the form.
    await u.type(evidence, '{enter}');

    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      itemId: 'security.review',
      role: 'security',
      evidenceUrl: 'https://tickets.example.com/SEC-42',
      comment: 'Reviewed with the security team',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    // The page shows the new phase the backend computed.
    expect(await screen.findByLabelText('Phase: Expand')).toBeInTheDocument();
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
  });

  it('keeps the attest dialog open with the backend message on failure', async () => {
    serveEntity(server);
    server.use(
      rest.post(`${BASE_URL}/attestations`, (_req, res, ctx) =>
        res(
          ctx.status(403),
          ctx.json({
            error: {
              name: 'NotAllowedError',
              message: 'Only security may attest this item',
            },
            response: { statusCode: 403 },
          }),
        ),
      ),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    await user().click(
      await screen.findByRole('button', {
        name: 'Attest Security posture review',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await user().click(within(dialog).getByRole('button', { name: 'Attest' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Only security may attest this item (403)',
    );
    await user().keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('requests a waiver with justification, compensating control and expiry', async () => {
    const posted: any[] = [];
    serveEntity(server);
    server.use(
      rest.post(`${BASE_URL}/waivers`, async (req, res, ctx) => {
        posted.push(await req.json());
        return res(ctx.status(201), ctx.json(waivers[0]));
      }),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    await user().click(
      await screen.findByRole('button', {
        name: 'Request waiver for Service ports declare a protocol',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Request a waiver: Service ports declare a protocol',
    });
    // Missing fields are reported, nothing is sent.
    await user().click(
      within(dialog).getByRole('button', { name: 'Request waiver' }),
    );
    expect(
      within(dialog).getByText('Say why the item cannot be met now.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Choose the date on which the waiver ends.'),
    ).toBeInTheDocument();
    expect(posted).toHaveLength(0);

    // Long texts are pasted, as people do; the date is typed.
    const u = user();
    await u.click(within(dialog).getByLabelText(/Justification/));
    await u.paste('Legacy clients need the unnamed port until March');
    await u.click(within(dialog).getByLabelText('Compensating control'));
    await u.paste('NetworkPolicy allows only the gateway');
    await u.type(within(dialog).getByLabelText(/Expires on/), '2099-03-31');
    await user().click(
      within(dialog).getByRole('button', { name: 'Request waiver' }),
    );
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      itemId: 'k8s.svc.protocol',
      justification: 'Legacy clients need the unnamed port until March',
      compensatingControl: 'NetworkPolicy allows only the gateway',
      expiresAt: '2099-03-31T23:59:59.000Z',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('lets approvers approve a requested waiver', async () => {
    let decided = false;
    serveEntity(server, {
      scorecard: () =>
        storedScorecard(
          decided ? { checkedAt: '2026-11-20T12:00:00.000Z' } : {},
        ),
      waivers: () =>
        decided
          ? [
              {
                ...waivers[0],
                state: 'approved',
                decidedBy: 'user:default/mia',
              },
            ]
          : waivers,
    });
    server.use(
      rest.post(`${BASE_URL}/waivers/w-1/approve`, (_req, res, ctx) => {
        decided = true;
        return res(ctx.json({ ...waivers[0], state: 'approved' }));
      }),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    await user().click(
      await screen.findByRole('button', {
        name: 'Approve waiver for Service ports declare a protocol',
      }),
    );
    const table = screen.getByRole('table', { name: 'Waivers' });
    expect(await within(table).findByText('approved')).toBeInTheDocument();
    expect(within(table).getByText('user:default/mia')).toBeInTheDocument();
  });

  it('security: attest is disabled with the reason when the user holds none of the roles', async () => {
    serveEntity(server, {
      roles: {
        entityRef: 'component:default/payments',
        roles: [
          {
            role: 'owner',
            held: false,
            reason:
              'role owner requires membership of group:default/payments-team (owner of component:default/payments)',
          },
          {
            role: 'security',
            held: false,
            reason:
              'role security requires membership of group:default/security-team',
          },
          {
            role: 'platform',
            held: true,
            reason: 'you are a member of group:default/platform-team',
          },
        ],
      },
    });
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: {
        ...componentEntity,
        metadata: { ...componentEntity.metadata, name: 'not-mine' },
      },
    });
    expect(
      await screen.findByRole('button', {
        name: 'Attest Security posture review',
      }),
    ).toBeDisabled();
    expect(
      screen.getByText(
        'You hold none of the roles that attest this item: role security requires membership of group:default/security-team; role owner requires membership of group:default/payments-team (owner of component:default/payments).',
      ),
    ).toBeInTheDocument();
  });

  it('security: the attest dialog offers only the roles the user holds', async () => {
    const posted: any[] = [];
    serveEntity(server, {
      roles: {
        entityRef: 'component:default/payments',
        roles: [
          {
            role: 'owner',
            held: true,
            reason:
              'you are a member of group:default/payments-team, which owns component:default/payments',
          },
          {
            role: 'security',
            held: false,
            reason:
              'role security requires membership of group:default/security-team',
          },
          {
            role: 'platform',
            held: false,
            reason:
              'role platform requires membership of group:default/platform-team',
          },
        ],
      },
    });
    server.use(
      rest.post(`${BASE_URL}/attestations`, async (req, res, ctx) => {
        posted.push(await req.json());
        return res(ctx.status(500));
      }),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    await user().click(
      await screen.findByRole('button', {
        name: 'Attest Security posture review',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    // The item is attested by security or owner; the user holds owner only.
    await user().click(within(dialog).getByRole('button', { name: 'owner' }));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['owner']);
    await user().keyboard('{Escape}');
    await user().click(within(dialog).getByRole('button', { name: 'Attest' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toMatchObject({ role: 'owner' });
  });

  it('disables the actions a user may not take and says why', async () => {
    serveEntity(server);
    await renderPluginView(<EntityMeshReadinessContent />, {
      // The permission hook caches answers per resource; a separate entity
      // keeps the answers of other tests out.
      entity: {
        ...componentEntity,
        metadata: { ...componentEntity.metadata, name: 'restricted' },
      },
      authorize: name =>
        name === 'mesh-readiness.checklist.attest' ||
        name === 'mesh-readiness.waiver.approve'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByRole('button', {
        name: 'Attest Security posture review',
      }),
    ).toBeDisabled();
    expect(
      screen.getAllByText('You may not attest checklist items of this entity.')
        .length,
    ).toBeGreaterThan(0);
    expect(
      await screen.findByRole('button', {
        name: 'Approve waiver for Service ports declare a protocol',
      }),
    ).toBeDisabled();
    expect(
      screen.getByText('Only waiver approvers may decide waivers.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Request waiver for Service ports declare a protocol',
      }),
    ).toBeEnabled();
    expect(
      screen.getByRole('button', { name: 'Re-evaluate now' }),
    ).toBeEnabled();
  });

  it('re-evaluates now and shows the new scorecard', async () => {
    serveEntity(server);
    server.use(
      rest.post(`${scorecardPath}/refresh`, (_req, res, ctx) => {
        const stored = storedScorecard();
        stored.scorecard.phase = 'expand';
        stored.scorecard.nextPhase = 'enforce';
        return res(ctx.json(stored));
      }),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    await user().click(
      await screen.findByRole('button', { name: 'Re-evaluate now' }),
    );
    expect(await screen.findByLabelText('Phase: Expand')).toBeInTheDocument();
  });

  it('shows the annotation help when the entity has no scorecard', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.status(404))),
      rest.get(`${BASE_URL}/waivers`, (_req, res, ctx) =>
        res(ctx.json({ items: [] })),
      ),
      rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_req, res, ctx) =>
        res(ctx.status(404)),
      ),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentWithoutAnnotation,
    });
    expect(
      await screen.findByText(/so that its manifests can be checked/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Re-evaluate now' }),
    ).toBeInTheDocument();
  });

  it('shows a progress indicator while loading and the error when it fails', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.delay('infinite'))),
      rest.get(`${BASE_URL}/waivers`, (_req, res, ctx) =>
        res(ctx.delay('infinite')),
      ),
      rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_req, res, ctx) =>
        res(ctx.delay('infinite')),
      ),
    );
    const first = await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    first.unmount();

    server.use(
      rest.get(scorecardPath, (_req, res, ctx) =>
        res(
          ctx.status(500),
          ctx.json({
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          }),
        ),
      ),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    expect(
      (await screen.findAllByText(/Request failed with 500/)).length,
    ).toBeGreaterThan(0);
  });

  describe('live updates', () => {
    it('reads the scorecard, waivers and history again once after a burst of signals on its channel', async () => {
      let served = storedScorecard();
      const reads = { scorecard: 0, history: 0 };
      serveEntity(server, { scorecard: () => served });
      server.use(
        rest.get(scorecardPath, (_req, res, ctx) => {
          reads.scorecard += 1;
          return res(ctx.json(served));
        }),
        rest.get(
          `${BASE_URL}/history/:kind/:namespace/:name`,
          (_req, res, ctx) => {
            reads.history += 1;
            return res(ctx.json(history));
          },
        ),
      );
      const signalApi = new TestSignalApi();
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
        signalApi,
      });
      expect(await screen.findByLabelText('Phase: Pilot')).toBeInTheDocument();
      expect(signalApi.subscribedChannels()).toEqual([
        'mesh-readiness:entity:component:default/payments',
      ]);
      await waitFor(() => expect(reads.history).toBe(1));
      expect(reads.scorecard).toBe(1);

      // An attestation in another tab: the backend re-evaluated.
      const before = storedScorecard();
      served = storedScorecard({
        scorecard: {
          ...before.scorecard,
          phase: 'expand',
          evaluatedAt: '2026-11-20T11:00:00.000Z',
        },
      });
      const signal = {
        entityRef: 'component:default/payments',
        programId: 'istio-adoption',
        phase: 'expand',
        evaluatedAt: '2026-11-20T11:00:00.000Z',
      };
      act(() => {
        signalApi.emit(
          'mesh-readiness:entity:component:default/payments',
          signal,
        );
        signalApi.emit(
          'mesh-readiness:entity:component:default/payments',
          signal,
        );
      });
      // Another entity's signal is not this page's.
      act(() =>
        signalApi.emit('mesh-readiness:entity:component:default/other', {
          ...signal,
          entityRef: 'component:default/other',
        }),
      );

      expect(await screen.findByLabelText('Phase: Expand')).toBeInTheDocument();
      // The page stayed (no progress indicator while it read).
      expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
      await waitFor(() => expect(reads.history).toBe(2));
      expect(reads.scorecard).toBe(2);
      // Reading publishes nothing: no further reads follow.
      await new Promise(resolve =>
        setTimeout(resolve, SCORECARD_SIGNAL_DEBOUNCE_MS * 2),
      );
      expect(reads).toEqual({ scorecard: 2, history: 2 });
    });

    it('works as before without the signals plugin in the app', async () => {
      serveEntity(server);
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
      });
      expect(await screen.findByLabelText('Phase: Pilot')).toBeInTheDocument();
      expect(screen.getByText('Expand: checks')).toBeInTheDocument();
    });
  });

  describe('link to one check', () => {
    const tabPath = '/catalog/default/component/payments/mesh-readiness';

    it('opens the phase of the linked check, expands it, marks it current and moves the focus to it', async () => {
      serveEntity(server);
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
        routeEntries: [`${tabPath}?check=catalog.owner`],
      });

      // catalog.owner passes in Pilot; without the link Expand would open.
      expect(await screen.findByText('Pilot: checks')).toBeInTheDocument();
      expect(screen.queryByText('Expand: checks')).not.toBeInTheDocument();
      // The accordion's summary, not the copy button of its details.
      const summary = screen.getByRole('button', {
        name: /Owner is a group/,
        expanded: true,
      });
      await waitFor(() => expect(summary).toHaveFocus());
      const current = summary.closest('[aria-current="true"]');
      expect(current).not.toBeNull();
      expect(
        within(current as HTMLElement).getByText(
          'Owned by group:default/team-a',
        ),
      ).toBeInTheDocument();
      expect(screen.queryByText(/This scorecard has no check/)).toBeNull();

      // Another phase can still be chosen.
      await user().click(screen.getByRole('button', { name: /Expand/ }));
      expect(await screen.findByText('Expand: checks')).toBeInTheDocument();
    });

    it('opens the phase of a linked checklist item and moves the focus to it', async () => {
      serveEntity(server);
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
        routeEntries: [`${tabPath}?check=security.review`],
      });
      expect(await screen.findByText('Expand: checklist')).toBeInTheDocument();
      const checklist = screen.getByRole('list', { name: 'Checklist' });
      const item = within(checklist)
        .getByText('Security posture review')
        .closest('li');
      expect(item).toHaveAttribute('aria-current', 'true');
      await waitFor(() => expect(item).toHaveFocus());
      expect(
        within(item as HTMLElement).getByRole('link', {
          name: 'Link to the item Security posture review',
        }),
      ).toHaveAttribute('href', `${tabPath}?check=security.review`);
      expect(screen.queryByText(/This scorecard has no check/)).toBeNull();
    });

    it('gives every check a link to itself and a button that copies it', async () => {
      serveEntity(server);
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
        routeEntries: [tabPath],
      });
      const link = await screen.findByRole('link', {
        name: 'Link to the check Service ports declare a protocol',
      });
      expect(link).toHaveAttribute('href', `${tabPath}?check=k8s.svc.protocol`);
      expect(
        screen.getByRole('button', {
          name: 'Copy the link to the check Service ports declare a protocol',
        }),
      ).toBeInTheDocument();
    });

    it('says so when the linked check is not in the scorecard, and shows the tab as usual', async () => {
      serveEntity(server);
      await renderPluginView(<EntityMeshReadinessContent />, {
        entity: componentEntity,
        routeEntries: [`${tabPath}?check=no.such.check`],
      });
      expect(
        await screen.findByText(
          /This scorecard has no check or checklist item “no.such.check”/,
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('Expand: checks')).toBeInTheDocument();
      expect(document.querySelector('[aria-current="true"]')).toBeNull();
    });
  });
});
