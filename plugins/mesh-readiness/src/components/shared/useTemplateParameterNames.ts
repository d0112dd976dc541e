import type { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  type CatalogApi,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** Lookups per catalog client, shared by every link on a page. */
const lookups = new WeakMap<CatalogApi, Map<string, Promise<Set<string>>>>();

/** The property names of every page of a template's `spec.parameters`. */
export function declaredParameterNames(
  template: Entity | undefined,
): Set<string> {
  const names = new Set<string>();
  const parameters = (template?.spec as { parameters?: unknown } | undefined)
    ?.parameters;
  const pages = Array.isArray(parameters) ? parameters : [parameters];
  for (const page of pages) {
    const properties = (page as { properties?: unknown } | undefined)
      ?.properties;
    if (properties && typeof properties === 'object') {
      for (const name of Object.keys(properties)) names.add(name);
    }
  }
  return names;
}

function parameterNamesOf(catalogApi: CatalogApi, templateRef: string) {
  let cache = lookups.get(catalogApi);
  if (!cache) {
    cache = new Map();
    lookups.set(catalogApi, cache);
  }
  let names = cache.get(templateRef);
  if (!names) {
    names = catalogApi
      .getEntityByRef(templateRef)
      .then(declaredParameterNames, error => {
        // Not cached: a failed lookup is tried again by the next view.
        cache!.delete(templateRef);
        throw error;
      });
    cache.set(templateRef, names);
  }
  return names;
}

/**
 * The parameters a Scaffolder template declares (read from the catalog), so
 * that a link prefills only what the template asks for; undefined while
 * looking, when not asked, or when the lookup failed.
 */
export function useTemplateParameterNames(
  templateRef: string | undefined,
): ReadonlySet<string> | undefined {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(
    async () =>
      templateRef ? parameterNamesOf(catalogApi, templateRef) : undefined,
    [catalogApi, templateRef],
  );
  return value;
}
