import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import {
  defaultTargetPath,
  repositoryLocation,
  resolveEntitySource,
} from './entitySource';

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', annotations },
    spec: {},
  };
}

describe('repositoryLocation', () => {
  it('reads owner, repository, branch and folder of a GitHub tree URL', () => {
    expect(
      repositoryLocation(
        'https://github.com/acme/shop/tree/main/services/cart/',
        integrations,
      ),
    ).toEqual({
      provider: 'github',
      host: 'github.com',
      owner: 'acme',
      repo: 'shop',
      branch: 'main',
      pathInRepo: 'services/cart',
      repoUrl: 'github.com?owner=acme&repo=shop',
    });
  });

  it('reads the group path of a GitLab project', () => {
    expect(
      repositoryLocation(
        'https://gitlab.com/acme/platform/shop/-/tree/develop/deploy/',
        integrations,
      ),
    ).toEqual({
      provider: 'gitlab',
      host: 'gitlab.com',
      owner: 'acme/platform',
      repo: 'shop',
      branch: 'develop',
      pathInRepo: 'deploy',
      repoUrl: 'gitlab.com?owner=acme%2Fplatform&repo=shop',
    });
  });

  it('knows no repository on hosts without an integration', () => {
    expect(
      repositoryLocation('https://git.example.org/acme/shop/', integrations),
    ).toBeUndefined();
  });
});

describe('resolveEntitySource', () => {
  it('takes a URL source location as the base, with its repository', () => {
    const source = resolveEntitySource(
      entity({
        'backstage.io/source-location':
          'url:https://github.com/acme/shop/tree/main/',
      }),
      integrations,
    );
    expect(source).toMatchObject({
      kind: 'url',
      baseUrl: 'https://github.com/acme/shop/tree/main/',
      repository: { provider: 'github', pathInRepo: '' },
    });
  });

  it('resolves dir: against the folder of the entity file', () => {
    const source = resolveEntitySource(
      entity({
        'backstage.io/source-location': 'dir:./deploy',
        'backstage.io/managed-by-location':
          'file:/srv/catalog/shop/catalog-info.yaml',
      }),
      integrations,
    );
    expect(source).toEqual({
      kind: 'file',
      dir: path.resolve('/srv/catalog/shop/deploy'),
    });
  });

  it('refuses a dir: location that climbs out of the entity folder', () => {
    expect(() =>
      resolveEntitySource(
        entity({
          'backstage.io/source-location': 'dir:../../etc',
          'backstage.io/managed-by-location':
            'file:/srv/catalog/shop/catalog-info.yaml',
        }),
        integrations,
      ),
    ).toThrow(/leaves the entity's source location/);
  });

  it('refuses a location type it cannot read', () => {
    expect(() =>
      resolveEntitySource(
        entity({ 'backstage.io/source-location': 'ftp:example.org/shop' }),
        integrations,
      ),
    ).toThrow('unsupported location type "ftp" in ftp:example.org/shop');
  });
});

describe('defaultTargetPath', () => {
  it('puts the fragment in the folder of a glob', () => {
    expect(
      defaultTargetPath(
        entity({ 'mesh-readiness.io/manifests': 'k8s/*.yaml' }),
        'peerauthentication.yaml',
      ),
    ).toBe('k8s/peerauthentication.yaml');
  });

  it('adds to a single manifests file, which a new file beside it would miss', () => {
    expect(
      defaultTargetPath(
        entity({
          'mesh-readiness.io/manifests': 'deploy/all.yaml, https://x/y.yaml',
        }),
        'peerauthentication.yaml',
      ),
    ).toBe('deploy/all.yaml');
  });

  it('falls back to the source location root', () => {
    expect(defaultTargetPath(entity({}), 'peerauthentication.yaml')).toBe(
      'peerauthentication.yaml',
    );
  });

  it('refuses manifests that leave the source location', () => {
    expect(() =>
      defaultTargetPath(
        entity({ 'mesh-readiness.io/manifests': '../other/*.yaml' }),
        'x.yaml',
      ),
    ).toThrow(/leaves the entity's source location/);
  });
});
