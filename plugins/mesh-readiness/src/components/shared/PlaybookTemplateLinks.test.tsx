import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { PlaybookTemplateLinks } from './PlaybookTemplateLinks';

const template = {
  id: 'istio-namespace-injection',
  title: 'Namespace with Istio injection',
  templateRef: 'template:default/istio-namespace-injection',
  fragment: 'apiVersion: v1\nkind: Namespace\n',
};
const templateEntity: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'istio-namespace-injection', namespace: 'default' },
  spec: {},
};
const playbook = {
  id: 'k8s.inject.ns',
  title: 'The namespace opts in to injection',
  url: '/mesh-readiness/playbooks/k8s-inject-ns',
};

describe('PlaybookTemplateLinks', () => {
  it('links to the Scaffolder template when it is in the catalog', async () => {
    await renderPluginView(
      <PlaybookTemplateLinks
        playbook={playbook}
        template={template}
        showFragment
      />,
      { catalogEntities: [templateEntity] },
    );
    expect(
      await screen.findByRole('link', { name: template.title }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/istio-namespace-injection',
    );
    expect(screen.getByRole('link', { name: playbook.title })).toHaveAttribute(
      'href',
      '/mesh-readiness/playbooks/k8s-inject-ns',
    );
    expect(screen.queryByText(/kind: Namespace/)).not.toBeInTheDocument();
  });

  it('falls back to the fragment when the template is not in the catalog', async () => {
    await renderPluginView(
      <PlaybookTemplateLinks
        playbook={playbook}
        template={template}
        showFragment
      />,
      { catalogEntities: [] },
    );
    expect(
      await screen.findByText(/Namespace with Istio injection/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        (_, el) =>
          el?.tagName === 'CODE' &&
          /kind: Namespace/.test(el.textContent ?? ''),
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: template.title })).toBeNull();
  });

  it('links a template without a fragment without asking the catalog', async () => {
    await renderPluginView(
      <PlaybookTemplateLinks template={{ ...template, fragment: undefined }} />,
      { catalogEntities: [] },
    );
    expect(
      await screen.findByRole('link', { name: template.title }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/istio-namespace-injection',
    );
  });

  describe('the fix link', () => {
    const strict = {
      id: 'istio-peerauthentication-strict',
      title: 'PeerAuthentication STRICT',
      templateRef: 'template:default/istio-peerauthentication-strict',
    };
    const strictTemplate: Entity = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: {
        name: 'istio-peerauthentication-strict',
        namespace: 'default',
      },
      spec: {
        parameters: [
          { properties: { namespace: {}, workload: {}, mode: {} } },
          { properties: { entityRef: {}, openPullRequest: {} } },
        ],
      },
    };
    const service: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'product-catalog', namespace: 'default' },
      spec: {},
    };
    const findings = [
      {
        level: 'pass',
        message: 'Namespace other-ns is labelled',
        resource: { kind: 'Namespace', name: 'other-ns' },
      },
      {
        level: 'fail',
        message: 'Deployment product-catalog accepts plain text on port 8080',
        resource: {
          kind: 'Deployment',
          name: 'product-catalog',
          namespace: 'product-catalog',
        },
      },
    ];

    function formDataOf(href: string | null) {
      const url = new URL(href ?? '', 'http://localhost');
      return {
        path: url.pathname,
        formData: JSON.parse(url.searchParams.get('formData') ?? 'null'),
      };
    }

    it('opens the template prefilled with the entity and the check findings it declares', async () => {
      await renderPluginView(
        <PlaybookTemplateLinks
          template={strict}
          entityRef={stringifyEntityRef(service)}
          findings={findings}
        />,
        { entity: service, catalogEntities: [strictTemplate] },
      );
      const link = await screen.findByRole('link', { name: strict.title });
      await waitFor(() => expect(link.getAttribute('href')).toContain('?'));
      // port is not a parameter of this template: not passed.
      expect(formDataOf(link.getAttribute('href'))).toEqual({
        path: '/create/templates/default/istio-peerauthentication-strict',
        formData: {
          entityRef: 'component:default/product-catalog',
          namespace: 'product-catalog',
          workload: 'product-catalog',
        },
      });
    });

    it('passes the port a failing finding names when the template asks for one', async () => {
      const withPort: Entity = {
        ...strictTemplate,
        spec: { parameters: { properties: { namespace: {}, port: {} } } },
      };
      await renderPluginView(
        <PlaybookTemplateLinks
          template={strict}
          findings={findings}
          entityRef="component:default/product-catalog"
        />,
        { catalogEntities: [withPort] },
      );
      const link = await screen.findByRole('link', { name: strict.title });
      await waitFor(() => expect(link.getAttribute('href')).toContain('?'));
      expect(formDataOf(link.getAttribute('href')).formData).toEqual({
        namespace: 'product-catalog',
        port: 8080,
      });
    });

    it('drops values that are not in the shape of their parameter, and encodes the rest', async () => {
      await renderPluginView(
        <PlaybookTemplateLinks
          template={strict}
          entityRef="component:default/a&b=c#d"
          findings={[
            {
              level: 'fail',
              message: 'port 99999 is not a port',
              resource: {
                kind: 'Deployment',
                name: '"><img src=x onerror=alert(1)>',
                namespace: 'Bad Namespace',
              },
            },
          ]}
        />,
        { catalogEntities: [strictTemplate] },
      );
      const link = await screen.findByRole('link', { name: strict.title });
      await waitFor(() => expect(link.getAttribute('href')).toContain('?'));
      const href = link.getAttribute('href') ?? '';
      expect(href).toMatch(
        /^\/create\/templates\/default\/istio-peerauthentication-strict\?formData=[^&#]+$/,
      );
      expect(formDataOf(href).formData).toEqual({
        entityRef: 'component:default/a&b=c#d',
      });
    });

    it('prefills the entity of the entity page it is on', async () => {
      await renderPluginView(
        <Routes>
          <Route
            path="/catalog/:namespace/:kind/:name/*"
            element={<PlaybookTemplateLinks template={strict} />}
          />
        </Routes>,
        {
          catalogEntities: [strictTemplate],
          routeEntries: [
            '/catalog/default/component/product-catalog/mesh-readiness',
          ],
        },
      );
      const link = await screen.findByRole('link', { name: strict.title });
      await waitFor(() => expect(link.getAttribute('href')).toContain('?'));
      expect(formDataOf(link.getAttribute('href')).formData).toEqual({
        entityRef: 'component:default/product-catalog',
      });
    });

    it('links without form data without an entity or findings', async () => {
      await renderPluginView(<PlaybookTemplateLinks template={strict} />, {
        catalogEntities: [strictTemplate],
      });
      expect(
        await screen.findByRole('link', { name: strict.title }),
      ).toHaveAttribute(
        'href',
        '/create/templates/default/istio-peerauthentication-strict',
      );
    });
  });
});
