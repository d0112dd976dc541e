import {
  entityRefOf,
  EntityFacts,
  EntityRefError,
  normalizeEntityRef,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import { readTextFile } from './readTextFile';
import { parseYamlDocuments, YamlDocument } from './yamlDocuments';

export type CatalogEntity = EntityFacts['entity'];

/** An entity of the catalog file with where it starts, for SARIF and errors. */
export interface CatalogDocument {
  entity: CatalogEntity;
  ref: string;
  file: string;
  line: number;
}

export interface CatalogFile {
  file: string;
  documents: CatalogDocument[];
}

/** Reads a `catalog-info.yaml` (one or several documents) and checks its shape. */
export function readCatalogFile(file: string): CatalogFile {
  const text = readTextFile(file, 'catalog file');
  const documents: CatalogDocument[] = [];
  for (const document of parseYamlDocuments(text, file)) {
    if (document.value === null || document.value === undefined) {
      continue;
    }
    const entity = checkEntityShape(document, file);
    documents.push({
      entity,
      ref: entityRefOf(entity),
      file,
      line: document.line,
    });
  }
  if (documents.length === 0) {
    throw new InputError('the catalog file holds no entity', {
      location: { file, line: 1, column: 1 },
    });
  }
  return { file, documents };
}

function checkEntityShape(document: YamlDocument, file: string): CatalogEntity {
  const value = document.value;
  const where = (path: Array<string | number>) => ({
    file,
    ...document.locate(path),
  });
  if (!isRecord(value)) {
    throw new InputError('expected a catalog entity (a mapping)', {
      location: where([]),
    });
  }
  for (const key of ['apiVersion', 'kind'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') {
      throw new InputError(`the entity has no ${key} (a non-empty string)`, {
        location: where([key]),
      });
    }
  }
  const metadata = value.metadata;
  if (
    !isRecord(metadata) ||
    typeof metadata.name !== 'string' ||
    !metadata.name
  ) {
    throw new InputError(
      'the entity has no metadata.name (a non-empty string)',
      {
        location: where(['metadata', 'name']),
      },
    );
  }
  if (
    metadata.namespace !== undefined &&
    typeof metadata.namespace !== 'string'
  ) {
    throw new InputError('metadata.namespace must be a string', {
      location: where(['metadata', 'namespace']),
    });
  }
  const annotations = metadata.annotations;
  if (annotations !== undefined) {
    if (!isRecord(annotations)) {
      throw new InputError('metadata.annotations must be a mapping', {
        location: where(['metadata', 'annotations']),
      });
    }
    for (const [key, annotation] of Object.entries(annotations)) {
      if (typeof annotation !== 'string') {
        throw new InputError(`annotation '${key}' must be a string`, {
          location: where(['metadata', 'annotations', key]),
        });
      }
    }
  }
  if (value.spec !== undefined && !isRecord(value.spec)) {
    throw new InputError('spec must be a mapping', {
      location: where(['spec']),
    });
  }
  return value as unknown as CatalogEntity;
}

/**
 * A ref written on the command line in canonical form, by common's
 * `normalizeEntityRef` (`@backstage/catalog-model`); an InputError naming
 * the option when it is not an entity ref.
 */
export function parseRef(
  text: string,
  defaultKind: string,
  field = '--entity',
): string {
  try {
    return normalizeEntityRef(text, { defaultKind, field });
  } catch (error) {
    if (error instanceof EntityRefError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * Picks the entity to check: the one named by `--entity`, else the first
 * Component of the file.
 */
export function selectEntity(
  catalog: CatalogFile,
  wanted?: string,
): CatalogDocument {
  if (wanted !== undefined) {
    const ref = parseRef(wanted, 'component');
    const found = catalog.documents.find(document => document.ref === ref);
    if (!found) {
      throw new InputError(
        `entity '${ref}' is not in ${catalog.file}; it holds ${catalog.documents
          .map(document => document.ref)
          .join(', ')}`,
      );
    }
    return found;
  }
  const component = catalog.documents.find(
    document => document.entity.kind.toLocaleLowerCase('en-US') === 'component',
  );
  if (!component) {
    throw new InputError(
      `${catalog.file} holds no Component; pick an entity with --entity kind:namespace/name`,
    );
  }
  return component;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
