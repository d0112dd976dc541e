import {
  AttestationFile,
  attestationFileSchema,
  explainSchemaIssues,
  formatSchemaPath,
  SchemaProblem,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import { readTextFile } from './readTextFile';
import { parseYamlDocuments } from './yamlDocuments';

/**
 * The CI facts of an entity as the portal exports them
 * (`GET /api/mesh-readiness/scorecards/{kind}/{namespace}/{name}/ci-facts`),
 * or a hand-made file with only `attestations` and `waivers`. The shape is
 * common's `attestationFileSchema`, the CI export's schema with the portal's
 * fields optional.
 */
export type AttestationExport = AttestationFile;

/**
 * Reads the CI facts exported from the portal: one YAML or JSON document
 * `{ entityRef, programId, exportedAt, attestations, waivers, catalog }`, of
 * which only `attestations` and `waivers` are needed (an older export holds
 * nothing else). The document is validated against common's schema; the
 * first problem is reported with file:line:column, the others follow it.
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
  const parsed = attestationFileSchema.safeParse(document.value);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = explainSchemaIssues(
    attestationFileSchema,
    document.value,
    parsed.error.issues,
  );
  const locate = (problem: SchemaProblem) => ({
    file,
    ...document.locate(
      problem.anchor === 'owner' ? problem.path.slice(0, -1) : problem.path,
    ),
  });
  const [first, ...others] = problems;
  throw new InputError(describe(first), {
    location: locate(first),
    details: others.map(problem => {
      const { line, column } = locate(problem);
      return `${file}:${line}:${column}: ${describe(problem)}`;
    }),
  });
}

/** The message with the path it concerns, unless the message names it. */
function describe(problem: SchemaProblem): string {
  return problem.anchor === 'value' && problem.path.length > 0
    ? `${formatSchemaPath(problem.path)}: ${problem.message}`
    : problem.message;
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
