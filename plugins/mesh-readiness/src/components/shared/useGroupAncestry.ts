import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  groupAncestryOf,
  type GroupAncestry,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import useAsync from 'react-use/esm/useAsync';

/**
 * The catalog's group hierarchy as common's wave rule reads it: a wave that
 * names a group includes the services of its child groups. Undefined while
 * loading or when the catalog cannot be read (then only a service's own
 * owner is compared with a wave's groups).
 */
export function useGroupAncestry(): GroupAncestry | undefined {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.parent',
        'spec.children',
        'relations',
      ],
    });
    return groupAncestryOf(items);
  }, [catalogApi]);
  return value;
}
