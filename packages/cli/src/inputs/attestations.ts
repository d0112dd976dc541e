import type {
  Attestation,
  EntityFacts,
  Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import { isRecord } from './catalog';
import { readTextFile } from './readTextFile';
import { parseYamlDocuments, YamlDocument } from './yamlDocuments';

/**
 * The CI facts of an entity as the portal exports them
 * (`GET /api/mesh-readiness/scorecards/{kind}/{namespace}/{name}/ci-facts`),
 * or a hand-made file with only `attestations` and `waivers`.
 */
export interface AttestationExport {
  /** The entity the export was made for; required with `catalog`. */
  entityRef?: string;
  programId?: string;
  exportedAt?: string;
  attestations: Attestation[];
  waivers: Waiver[];
  /** Catalog facts (owner resolution, callers), as the backend computes them. */
  catalog?: NonNullable<EntityFacts['catalog']>;
}

const EXPORT_KEYS = [
  'entityRef',
  'programId',
  'exportedAt',
  'attestations',
  'waivers',
  'catalog',
];
const CALLER_FIELDS: Record<string, 'string' | 'boolean'> = {
  entityRef: 'string',
  phase: 'string',
  meshed: 'boolean',
};

const ROLES = ['owner', 'security', 'platform'];
const WAIVER_STATES = [
  'requested',
  'approved',
  'rejected',
  'revoked',
  'expired',
];

const ATTESTATION_FIELDS = [
  'id',
  'entityRef',
  'programId',
  'itemId',
  'attestedBy',
  'role',
  'attestedAt',
];
const OPTIONAL_ATTESTATION_FIELDS = [
  'evidenceUrl',
  'comment',
  'expiresAt',
  'revokedAt',
  'factsFingerprint',
];
const WAIVER_FIELDS = [
  'id',
  'entityRef',
  'programId',
  'itemId',
  'state',
  'justification',
  'requestedBy',
  'requestedAt',
  'expiresAt',
];
const OPTIONAL_WAIVER_FIELDS = [
  'compensatingControl',
  'decidedBy',
  'decidedAt',
  'decisionComment',
];

/**
 * Reads the CI facts exported from the portal: one YAML or JSON document
 * `{ entityRef, programId, exportedAt, attestations, waivers, catalog }`, of
 * which only `attestations` and `waivers` are needed (an older export holds
 * nothing else). Every entry is checked; the first bad one is reported with
 * file:line:column.
 */
export function readAttestationExport(file: string): AttestationExport {
  const text = readTextFile(file, 'attestations file');
  const documents = parseYamlDocuments(text, file).filter(
    document => document.value !== null && document.value !== undefined,
  );
  if (documents.length !== 1) {
    throw new InputError(
      `expected one document with 'attestations' and 'waivers' lists, found ${documents.length}`,
      { location: { file, line: documents[1]?.line ?? 1, column: 1 } },
    );
  }
  const [document] = documents;
  const root = document.value;
  const fail = (message: string, path: Array<string | number>): never => {
    throw new InputError(message, {
      location: { file, ...document.locate(path) },
    });
  };
  if (!isRecord(root)) {
    return fail(
      "expected a mapping with 'attestations' and 'waivers' lists",
      [],
    );
  }
  for (const key of Object.keys(root)) {
    if (!EXPORT_KEYS.includes(key)) {
      fail(`unknown key '${key}'; expected ${EXPORT_KEYS.join(', ')}`, [key]);
    }
  }
  for (const key of ['entityRef', 'programId', 'exportedAt']) {
    if (
      root[key] !== undefined &&
      (typeof root[key] !== 'string' || root[key] === '')
    ) {
      fail(`${key} must be a non-empty string`, [key]);
    }
  }
  const catalog = readCatalogFacts(root.catalog, fail);
  if (catalog && root.entityRef === undefined) {
    fail("'catalog' needs 'entityRef': catalog facts belong to one entity", [
      'catalog',
    ]);
  }
  return {
    ...(root.entityRef !== undefined
      ? { entityRef: root.entityRef as string }
      : {}),
    ...(root.programId !== undefined
      ? { programId: root.programId as string }
      : {}),
    ...(root.exportedAt !== undefined
      ? { exportedAt: root.exportedAt as string }
      : {}),
    ...(catalog ? { catalog } : {}),
    attestations: readList(
      document,
      root,
      'attestations',
      ATTESTATION_FIELDS,
      OPTIONAL_ATTESTATION_FIELDS,
      fail,
      entry => {
        if (!ROLES.includes(entry.role as string)) {
          return ['role', `role must be one of ${ROLES.join(', ')}`];
        }
        return undefined;
      },
    ) as unknown as Attestation[],
    waivers: readList(
      document,
      root,
      'waivers',
      WAIVER_FIELDS,
      OPTIONAL_WAIVER_FIELDS,
      fail,
      entry => {
        if (!WAIVER_STATES.includes(entry.state as string)) {
          return ['state', `state must be one of ${WAIVER_STATES.join(', ')}`];
        }
        return undefined;
      },
    ) as unknown as Waiver[],
  };
}

function readList(
  _document: YamlDocument,
  root: Record<string, unknown>,
  key: string,
  required: string[],
  optional: string[],
  fail: (message: string, path: Array<string | number>) => never,
  extra: (entry: Record<string, unknown>) => [string, string] | undefined,
): Record<string, unknown>[] {
  const list = root[key];
  if (list === undefined || list === null) {
    return [];
  }
  if (!Array.isArray(list)) {
    return fail(`'${key}' must be a list`, [key]);
  }
  return list.map((entry, index) => {
    if (!isRecord(entry)) {
      return fail(`${key}[${index}] must be a mapping`, [key, index]);
    }
    for (const field of required) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        fail(`${key}[${index}].${field} is required (a non-empty string)`, [
          key,
          index,
          field,
        ]);
      }
    }
    for (const [field, value] of Object.entries(entry)) {
      if (!required.includes(field) && !optional.includes(field)) {
        fail(`${key}[${index}] has an unknown field '${field}'`, [
          key,
          index,
          field,
        ]);
      }
      if (typeof value !== 'string') {
        fail(`${key}[${index}].${field} must be a string`, [key, index, field]);
      }
    }
    const problem = extra(entry);
    if (problem) {
      fail(`${key}[${index}]: ${problem[1]}`, [key, index, problem[0]]);
    }
    return entry;
  });
}

/**
 * The `catalog` mapping: `ownerIsGroup` (boolean) and `callers`, a list of
 * `{ entityRef, phase, meshed }`; both optional, nothing else allowed.
 */
function readCatalogFacts(
  value: unknown,
  fail: (message: string, path: Array<string | number>) => never,
): AttestationExport['catalog'] {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isRecord(value)) {
    return fail("'catalog' must be a mapping", ['catalog']);
  }
  const facts: NonNullable<AttestationExport['catalog']> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'ownerIsGroup') {
      if (typeof field !== 'boolean') {
        fail('catalog.ownerIsGroup must be true or false', ['catalog', key]);
      }
      facts.ownerIsGroup = field as boolean;
    } else if (key === 'callers') {
      if (!Array.isArray(field)) {
        return fail('catalog.callers must be a list', ['catalog', key]);
      }
      facts.callers = field.map((caller, index) =>
        readCaller(caller, index, fail),
      );
    } else {
      fail(
        `catalog has an unknown key '${key}'; expected ownerIsGroup, callers`,
        ['catalog', key],
      );
    }
  }
  return facts;
}

function readCaller(
  caller: unknown,
  index: number,
  fail: (message: string, path: Array<string | number>) => never,
): { entityRef: string; phase: string; meshed: boolean } {
  const at = `catalog.callers[${index}]`;
  const path = ['catalog', 'callers', index];
  if (!isRecord(caller)) {
    return fail(`${at} must be a mapping`, path);
  }
  for (const [field, type] of Object.entries(CALLER_FIELDS)) {
    const value = caller[field];
    if (value === undefined) {
      fail(`${at}.${field} is required`, path);
    }
    if (typeof value !== type || value === '') {
      fail(
        `${at}.${field} must be ${
          type === 'string' ? 'a non-empty string' : 'true or false'
        }`,
        [...path, field],
      );
    }
  }
  for (const field of Object.keys(caller)) {
    if (!(field in CALLER_FIELDS)) {
      fail(`${at} has an unknown field '${field}'`, [...path, field]);
    }
  }
  return {
    entityRef: caller.entityRef as string,
    phase: caller.phase as string,
    meshed: caller.meshed as boolean,
  };
}

function sameRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/**
 * The entries that concern one entity (an export may hold many). An export
 * made for another entity is an error: its catalog facts would be wrong.
 */
export function forEntity(
  data: AttestationExport,
  entityRef: string,
  file: string,
): AttestationExport {
  if (data.entityRef !== undefined && !sameRef(data.entityRef, entityRef)) {
    throw new InputError(
      `the export is for ${data.entityRef}, but the entity checked is ${entityRef}`,
      { location: { file } },
    );
  }
  return {
    ...data,
    attestations: data.attestations.filter(entry =>
      sameRef(entry.entityRef, entityRef),
    ),
    waivers: data.waivers.filter(entry => sameRef(entry.entityRef, entityRef)),
  };
}
