import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ProgramRegistry } from '../../programs/ProgramRegistry';
import {
  component,
  group,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../../__testUtils__/fixtures';
import { CatalogWalk } from './CatalogWalk';

describe('CatalogWalk', () => {
  const ref = (name: string) => `component:default/${name}`;

  async function walkOf(entities: ReturnType<typeof component>[]) {
    const catalog = catalogServiceMock({ entities });
    const programs = new ProgramRegistry(
      [`${writeTree({ 'p.yaml': TEST_PROGRAM_YAML })}/p.yaml`],
      mockServices.urlReader.mock(),
      mockServices.logger.mock(),
    );
    await programs.reload();
    const walk = await CatalogWalk.start({
      catalog,
      auth: mockServices.auth(),
      programs,
      pageSize: 2,
    });
    return { walk, catalog };
  }

  it('yields callers in batches before the services they call, at most a page at a time', async () => {
    // web and mobile call api; api calls db; lib-x is a library.
    const { walk } = await walkOf([
      group('team-a'),
      component('db', { owner: 'team-a', dependencyOf: [ref('api')] }),
      component('api', {
        owner: 'team-a',
        dependencyOf: [ref('web'), ref('mobile')],
      }),
      component('web', { owner: 'team-a' }),
      component('mobile', { owner: 'team-a' }),
      component('search', { owner: 'team-a' }),
      component('lib-x', { owner: 'team-a', type: 'library' }),
    ]);
    const batches = [];
    for await (const batch of walk.batches()) {
      batches.push({
        refs: batch.candidates.map(c => c.entityRef),
        skipped: batch.skipped,
      });
    }
    expect(walk.entityCount).toBe(6);
    expect(walk.batchCount).toBe(batches.length);
    expect(batches).toEqual([
      // lib-x is read (no program applies to it) with mobile.
      { refs: [ref('mobile')], skipped: 1 },
      { refs: [ref('search'), ref('web')], skipped: 0 },
      { refs: [ref('api')], skipped: 0 },
      { refs: [ref('db')], skipped: 0 },
    ]);
    expect([...walk.seen].map(key => key.split('\u0000'))).toEqual(
      ['mobile', 'search', 'web', 'api', 'db'].map(name => [
        ref(name),
        'istio-adoption',
      ]),
    );
  });

  it('passes over an entity that left the catalog after the run was ordered', async () => {
    const { walk, catalog } = await walkOf([
      component('api', { owner: 'team-a' }),
      component('web', { owner: 'team-a' }),
    ]);
    const original = catalog.getEntitiesByRefs.bind(catalog);
    jest
      .spyOn(catalog, 'getEntitiesByRefs')
      .mockImplementation(async (request, options) => {
        const response = await original(request, options);
        return {
          items: response.items.map(item =>
            item?.metadata.name === 'web' ? undefined : item,
          ),
        };
      });
    const refs = [];
    for await (const batch of walk.batches()) {
      refs.push(...batch.candidates.map(c => c.entityRef));
    }
    expect(refs).toEqual([ref('api')]);
    expect(walk.seen.size).toBe(1);
  });
});
