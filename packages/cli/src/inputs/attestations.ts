import type {
  Attestation,
  Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import { isRecord } from './catalog';
import { readTextFile } from './readTextFile';
import { parseYamlDocuments, YamlDocument } from './yamlDocuments';

export interface AttestationExport {
  attestations: Attestation[];
  waivers: Waiver[];
}

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
 * Reads the attestations and waivers exported from the portal: one YAML or
 * JSON document `{ attestations: [...], waivers: [...] }`. Every entry is
 * checked; the first bad one is reported with file:line:column.
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
    if (key !== 'attestations' && key !== 'waivers') {
      fail(`unknown key '${key}'; expected 'attestations' and 'waivers'`, [
        key,
      ]);
    }
  }
  return {
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

/** The entries that concern one entity (an export may hold many). */
export function forEntity(
  data: AttestationExport,
  entityRef: string,
): AttestationExport {
  const ref = entityRef.toLocaleLowerCase('en-US');
  const same = (other: string) => other.toLocaleLowerCase('en-US') === ref;
  return {
    attestations: data.attestations.filter(entry => same(entry.entityRef)),
    waivers: data.waivers.filter(entry => same(entry.entityRef)),
  };
}
