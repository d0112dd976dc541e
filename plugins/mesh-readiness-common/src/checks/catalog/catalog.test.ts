import { catalogKubernetesLink } from './kubernetesLink';
import { catalogManifests } from './manifests';
import { catalogOwner } from './owner';
import { contextFor, deploymentYaml, gaps, run } from '../testUtils';

describe('cat.owner', () => {
  it('passes for a group owner and bare names (default kind Group)', () => {
    expect(run(catalogOwner, {}).status).toBe('pass');
    expect(
      run(catalogOwner, {}, { entity: { spec: { owner: 'shop-team' } } })
        .status,
    ).toBe('pass');
  });

  it('fails for a user owner, a missing owner, and an owner the catalog does not resolve to a Group', () => {
    const user = run(
      catalogOwner,
      {},
      { entity: { spec: { owner: 'user:default/ann' } } },
    );
    expect(user.status).toBe('fail');
    expect(user.findings[0].message).toContain('is a user, not a Group');
    expect(run(catalogOwner, {}, { entity: { spec: {} } }).status).toBe('fail');
    const unresolved = run(
      catalogOwner,
      {},
      { facts: { catalog: { ownerIsGroup: false } } },
    );
    expect(unresolved.status).toBe('fail');
    expect(unresolved.findings[0].message).toContain('does not resolve');
  });

  it('trusts the catalog resolution over the reference', () => {
    expect(
      run(
        catalogOwner,
        {},
        {
          entity: { spec: { owner: 'platform' } },
          facts: { catalog: { ownerIsGroup: true } },
        },
      ).findings[0].message,
    ).toContain('resolved in the catalog');
  });
});

describe('cat.k8s-link', () => {
  const withAnnotations = (annotations: Record<string, string>) => ({
    entity: { metadata: { name: 'cart', annotations } },
  });

  it('passes with a kubernetes-id or a label selector', () => {
    expect(
      run(
        catalogKubernetesLink,
        {},
        withAnnotations({ 'backstage.io/kubernetes-id': 'cart' }),
      ).status,
    ).toBe('pass');
    expect(
      run(
        catalogKubernetesLink,
        {},
        withAnnotations({
          'backstage.io/kubernetes-label-selector': 'app=cart',
        }),
      ).status,
    ).toBe('pass');
  });

  it('fails without either annotation', () => {
    const outcome = run(catalogKubernetesLink, {}, withAnnotations({}));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].remediation).toContain(
      'backstage.io/kubernetes-id: cart',
    );
  });

  it('notes workloads that lack the kubernetes-id label without failing', () => {
    const outcome = run(
      catalogKubernetesLink,
      { 'k8s/cart.yaml': deploymentYaml({}) },
      withAnnotations({ 'backstage.io/kubernetes-id': 'cart' }),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.find(f => f.level === 'info')).toMatchObject({
      file: 'k8s/cart.yaml',
      line: 4, // the metadata block where the label belongs
      resource: { kind: 'Deployment', name: 'cart' },
    });
  });
});

describe('cat.manifests', () => {
  const annotated = {
    entity: {
      metadata: {
        name: 'cart',
        annotations: { 'mesh-readiness.io/manifests': 'k8s/*.yaml' },
      },
    },
  };

  it('passes when the annotation is set and objects were read', () => {
    const outcome = run(
      catalogManifests,
      { 'k8s/cart.yaml': deploymentYaml({}) },
      annotated,
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('1 objects read from k8s/*.yaml');
  });

  it('fails without the annotation', () => {
    expect(
      run(catalogManifests, { 'k8s/cart.yaml': deploymentYaml({}) }).status,
    ).toBe('fail');
  });

  it('fails when nothing was found', () => {
    const outcome = run(catalogManifests, {}, annotated);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('no objects at k8s/*.yaml');
  });

  it('turns parse problems into findings with file and line', () => {
    const outcome = catalogManifests.analyze(
      contextFor(
        {
          'k8s/bad.yaml':
            'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n',
        },
        annotated,
      ),
    );
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)[0]).toMatchObject({
      file: 'k8s/bad.yaml',
      level: 'fail',
    });
    expect(gaps(outcome)[0].line).toBeGreaterThanOrEqual(4);
  });
});
