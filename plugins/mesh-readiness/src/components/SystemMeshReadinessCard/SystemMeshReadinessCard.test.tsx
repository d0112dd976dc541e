import type { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { DomainRollup, SystemRollup } from '../../api/MeshReadinessApi';
import {
  BASE_URL,
  groupRollup,
  orgSummary,
  programs,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { SystemMeshReadinessCard } from './SystemMeshReadinessCard';

jest.setTimeout(60_000);

const systemEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { owner: 'group:default/team-a', domain: 'commerce' },
};

const domainEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Domain',
  metadata: { name: 'commerce', namespace: 'default' },
  spec: { owner: 'group:default/team-a' },
};

const systemRollup: SystemRollup = {
  systemRef: 'system:default/payments',
  title: 'Payments',
  owner: 'group:default/team-a',
  domain: 'domain:default/commerce',
  services: groupRollup.services,
  phaseDistribution: groupRollup.phaseDistribution,
  topFailingChecks: orgSummary.topFailingChecks.map(c => ({ ...c, count: 1 })),
  blockers: groupRollup.blockers,
  waves: groupRollup.waves,
  regressions: groupRollup.regressions,
};

const domainRollup: DomainRollup = {
  ...systemRollup,
  domainRef: 'domain:default/commerce',
  subdomains: [],
  systems: ['system:default/payments', 'system:default/storefront'],
};

describe('SystemMeshReadinessCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
    );
  });

  it("shows a System's rollup with every aggregate opening the System's filtered services", async () => {
    server.use(
      rest.get(
        `${BASE_URL}/systems/default/payments/rollup`,
        (_req, res, ctx) => res(ctx.json(systemRollup)),
      ),
    );
    await renderPluginView(<SystemMeshReadinessCard />, {
      entity: systemEntity,
      pagePath: '/mesh-readiness',
    });

    const services = await screen.findByRole('table', {
      name: 'System services',
    });
    expect(within(services).getAllByRole('row')).toHaveLength(3);
    expect(
      within(services).getByRole('link', { name: 'Payments' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/2 services in this system/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All services of this system' }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?system=system%3Adefault%2Fpayments',
    );
    expect(
      screen.getByRole('link', { name: 'Expand: 1 service' }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?phase=expand&system=system%3Adefault%2Fpayments',
    );
    expect(
      within(
        screen.getByRole('table', { name: 'Top failing checks' }),
      ).getByRole('link', {
        name: 'Service ports declare a protocol, failing: 1 service',
      }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?system=system%3Adefault%2Fpayments&check=k8s.svc.protocol&checkStatus=fail',
    );
    expect(
      screen.getByRole('link', { name: 'Wave 1: 2 services' }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?program=istio-adoption&system=system%3Adefault%2Fpayments&wave=wave-1',
    );
    expect(screen.getByText(/Failing since/)).toBeInTheDocument();
    const regression = within(
      screen.getByRole('list', { name: 'Regressions' }),
    ).getByRole('listitem');
    expect(regression).toHaveTextContent('ledger: Enforce → Expand');
    expect(within(regression).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger',
    );
  });

  it("shows a Domain's rollup over its Systems, filtered by the Domain", async () => {
    server.use(
      rest.get(
        `${BASE_URL}/domains/default/commerce/rollup`,
        (_req, res, ctx) => res(ctx.json({ ...domainRollup, regressions: [] })),
      ),
    );
    await renderPluginView(<SystemMeshReadinessCard />, {
      entity: domainEntity,
      pagePath: '/mesh-readiness',
    });
    expect(
      await screen.findByRole('table', { name: 'Domain services' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/2 services in this domain \(2 systems\)/),
    ).toBeInTheDocument();
    // A Domain without phase drops says so.
    expect(screen.getByText('No regressions.')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Pilot: 1 service' }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?phase=pilot&domain=domain%3Adefault%2Fcommerce',
    );
  });

  it('shows the counts without links in an app without the Mesh Readiness page', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/systems/default/payments/rollup`,
        (_req, res, ctx) => res(ctx.json(systemRollup)),
      ),
    );
    await renderPluginView(<SystemMeshReadinessCard />, {
      entity: systemEntity,
    });
    const distribution = await screen.findByRole('list', {
      name: 'Phase distribution',
    });
    expect(within(distribution).getByText('Expand: 1')).toBeInTheDocument();
    expect(within(distribution).queryAllByRole('link')).toHaveLength(0);
    expect(
      screen.queryByRole('link', { name: 'All services of this system' }),
    ).not.toBeInTheDocument();
  });

  it('says so when no service of the System has a scorecard', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/systems/default/payments/rollup`,
        (_req, res, ctx) => res(ctx.json({ ...systemRollup, services: [] })),
      ),
    );
    await renderPluginView(<SystemMeshReadinessCard />, {
      entity: systemEntity,
    });
    expect(
      await screen.findByText(/No service of this system has a mesh readiness/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error", async () => {
    server.use(
      rest.get(
        `${BASE_URL}/systems/default/payments/rollup`,
        (_req, res, ctx) =>
          res(
            ctx.status(403),
            ctx.json({
              error: { name: 'NotAllowedError', message: 'not allowed' },
              response: { statusCode: 403 },
            }),
          ),
      ),
    );
    await renderPluginView(<SystemMeshReadinessCard />, {
      entity: systemEntity,
    });
    expect((await screen.findAllByText(/not allowed/))[0]).toBeInTheDocument();
  });
});
