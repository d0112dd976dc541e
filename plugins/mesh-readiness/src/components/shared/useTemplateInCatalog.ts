import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  type CatalogApi,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Lookups per catalog client, shared by every link on a page: a scorecard
 * lists the same few templates on many checks.
 */
const lookups = new WeakMap<CatalogApi, Map<string, Promise<boolean>>>();

function isInCatalog(catalogApi: CatalogApi, entityRef: string) {
  let cache = lookups.get(catalogApi);
  if (!cache) {
    cache = new Map();
    lookups.set(catalogApi, cache);
  }
  let found = cache.get(entityRef);
  if (!found) {
    found = catalogApi.getEntityByRef(entityRef).then(
      entity => entity !== undefined,
      error => {
        // Not cached: a failed lookup is tried again by the next view.
        cache!.delete(entityRef);
        throw error;
      },
    );
    cache.set(entityRef, found);
  }
  return found;
}

/**
 * Whether the Scaffolder template a program refers to is in the catalog:
 * `true`, `false`, or `undefined` while looking or when the lookup failed.
 * Only asked when the program gives a fragment to fall back to.
 */
export function useTemplateInCatalog(
  entityRef: string | undefined,
): boolean | undefined {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(
    async () => (entityRef ? isInCatalog(catalogApi, entityRef) : undefined),
    [catalogApi, entityRef],
  );
  return value;
}
