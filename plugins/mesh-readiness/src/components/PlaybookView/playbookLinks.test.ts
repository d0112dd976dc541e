import { playbookHref, playbooksBasePath } from './playbookLinks';

describe('playbooksBasePath', () => {
  it('finds the view under the page wherever the page is mounted', () => {
    expect(playbooksBasePath('/mesh-readiness/playbooks/k8s-probes')).toBe(
      '/mesh-readiness/playbooks',
    );
    expect(playbooksBasePath('/tools/mesh/playbooks')).toBe(
      '/tools/mesh/playbooks',
    );
    expect(playbooksBasePath('/tools/mesh/playbooks/')).toBe(
      '/tools/mesh/playbooks',
    );
  });
});

describe('playbookHref', () => {
  const base = '/mesh-readiness/playbooks';

  it('turns links between pages into paths of the playbook view', () => {
    expect(playbookHref('k8s-probes/index.md', base)).toBe(
      '/mesh-readiness/playbooks/k8s-probes',
    );
    expect(playbookHref('../k8s-probes/index.md', base)).toBe(
      '/mesh-readiness/playbooks/k8s-probes',
    );
    expect(playbookHref('../k8s-probes/', base)).toBe(
      '/mesh-readiness/playbooks/k8s-probes',
    );
    expect(playbookHref('../k8s-probes/index.md#how-to-fix-it', base)).toBe(
      '/mesh-readiness/playbooks/k8s-probes#how-to-fix-it',
    );
    expect(playbookHref('../index.md', base)).toBe(
      '/mesh-readiness/playbooks/index',
    );
  });

  it('leaves absolute URLs, portal paths and anchors alone', () => {
    for (const href of [
      'https://istio.io/latest/docs/',
      '/create/templates/default/istio-namespace-injection',
      '#why-it-matters',
      // eslint-disable-next-line no-script-url
      'javascript:alert(1)',
    ]) {
      expect(playbookHref(href, base)).toBe(href);
    }
  });

  it('leaves links it cannot map to a page alone', () => {
    expect(playbookHref('images/diagram.png', base)).toBe('images/diagram.png');
    expect(playbookHref('Some Page/index.md', base)).toBe('Some Page/index.md');
  });
});
