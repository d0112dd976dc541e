import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { BASE_URL } from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { PlaybooksTab } from './PlaybookView';

jest.setTimeout(60_000);

const probes = {
  id: 'k8s-probes',
  title: 'Readiness and liveness probes exist',
  markdown: [
    '# Readiness and liveness probes exist',
    '',
    'See [the startup playbook](../k8s-startup/index.md),',
    '[the Istio docs](https://istio.io/latest/docs/ops/configuration/mesh/app-health-check/)',
    'and [a bad link](javascript:alert(1)).',
    '',
    '<script>window.injected = true</script>',
    '<b>raw html</b>',
    '',
    '| Mesh | Setting |',
    '| ---- | ------- |',
    '| Istio | rewriteAppHTTPProbers |',
    '',
    '```yaml',
    'readinessProbe: {}',
    '```',
  ].join('\n'),
};

const view = (
  <Routes>
    <Route path="/mesh-readiness/playbooks/*" element={<PlaybooksTab />} />
  </Routes>
);

describe('PlaybooksTab', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('renders a playbook page: headings, tables, code, links into the playbook view, no raw HTML', async () => {
    server.use(
      rest.get(`${BASE_URL}/playbooks/k8s-probes`, (_req, res, ctx) =>
        res(ctx.json(probes)),
      ),
    );
    await renderPluginView(view, {
      routeEntries: ['/mesh-readiness/playbooks/k8s-probes'],
    });

    expect(
      await screen.findByRole('heading', {
        name: 'Readiness and liveness probes exist',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'the startup playbook' }),
    ).toHaveAttribute('href', '/mesh-readiness/playbooks/k8s-startup');
    expect(
      screen.getByRole('link', { name: /the Istio docs/ }),
    ).toHaveAttribute(
      'href',
      'https://istio.io/latest/docs/ops/configuration/mesh/app-health-check/',
    );
    expect(screen.queryByRole('link', { name: 'a bad link' })).toBeNull();
    expect(screen.getByText('a bad link')).toBeInTheDocument();

    const table = screen.getByRole('table');
    expect(
      within(table).getByText('rewriteAppHTTPProbers'),
    ).toBeInTheDocument();
    // Fenced code is shown highlighted (split into tokens) by CodeSnippet.
    expect(document.querySelector('article pre')?.textContent).toContain(
      'readinessProbe: {}',
    );

    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('article b')).toBeNull();
    expect((window as any).injected).toBeUndefined();
    expect(screen.getByRole('link', { name: 'All playbooks' })).toHaveAttribute(
      'href',
      '/mesh-readiness/playbooks',
    );
  });

  it('lists every playbook with the overview first', async () => {
    server.use(
      rest.get(`${BASE_URL}/playbooks`, (_req, res, ctx) =>
        res(
          ctx.json({
            items: [
              { id: 'index', title: 'Mesh readiness playbooks' },
              { id: 'k8s-probes', title: probes.title },
              { id: 'cat-owner', title: 'The service has an owning team' },
            ],
          }),
        ),
      ),
    );
    await renderPluginView(view, {
      routeEntries: ['/mesh-readiness/playbooks'],
    });

    const list = await screen.findByRole('list', { name: 'Playbooks' });
    const links = within(list).getAllByRole('link');
    expect(links.map(l => [l.textContent, l.getAttribute('href')])).toEqual([
      ['Mesh readiness playbooks', '/mesh-readiness/playbooks/index'],
      [
        'Readiness and liveness probes exist',
        '/mesh-readiness/playbooks/k8s-probes',
      ],
      ['The service has an owning team', '/mesh-readiness/playbooks/cat-owner'],
    ]);
  });

  it('says when a playbook does not exist', async () => {
    server.use(
      rest.get(`${BASE_URL}/playbooks/no-such-page`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: {
              name: 'NotFoundError',
              message: 'no playbook "no-such-page" is shipped',
            },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );
    await renderPluginView(view, {
      routeEntries: ['/mesh-readiness/playbooks/no-such-page'],
    });
    expect(
      (await screen.findAllByText(/no playbook "no-such-page" is shipped/))
        .length,
    ).toBeGreaterThan(0);
  });
});
