import type { Entity } from '@backstage/catalog-model';
import { screen } from '@testing-library/react';
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
});
