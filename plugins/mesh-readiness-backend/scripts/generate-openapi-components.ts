/*
 * Writes the domain components of src/schema/openapi.yaml from the zod
 * schemas of @mesh-readiness/plugin-mesh-readiness-common, the one source of
 * the domain's shape (programs, scorecards, attestations, waivers, the CI
 * export). Every schema in common's `domainSchemas` registry becomes
 * `components.schemas.<id>`, in one marked region of the spec; the rest of
 * the spec (paths, parameters, request and response wrappers) is written by
 * hand and `$ref`s these components. A hand-written component with the id of
 * a generated one is replaced by the generated one.
 *
 *   yarn --cwd plugins/mesh-readiness-backend generate:openapi        (writes)
 *   yarn --cwd plugins/mesh-readiness-backend generate:openapi:check  (fails when stale)
 *
 * `generate:openapi` runs this script before it generates the router.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
} from 'yaml';
import { domainSchemasAsOpenApi } from '@mesh-readiness/plugin-mesh-readiness-common';

const specPath = path.resolve(__dirname, '../src/schema/openapi.yaml');
const BEGIN =
  '    # BEGIN generated domain schemas: scripts/generate-openapi-components.ts';
const END = '    # END generated domain schemas';
const NOTE = [
  '    # Generated from the zod schemas in @mesh-readiness/plugin-mesh-readiness-common',
  '    # (src/schema). Do not edit here: change the zod schema and run',
  '    # `yarn --cwd plugins/mesh-readiness-backend generate:openapi`.',
];

/** The spec text with the generated region written (or rewritten). */
export function generateSpec(text: string): string {
  const components = domainSchemasAsOpenApi();
  const ids = new Set(Object.keys(components));
  const lines = text.split('\n');

  // The spec without the region; the region goes back where it was.
  let insertAt = -1;
  let bodyLines = lines;
  const begin = lines.indexOf(BEGIN);
  const end = lines.indexOf(END);
  if (begin !== -1 && end > begin) {
    // The region and the blank line after it.
    const stop = lines[end + 1] === '' ? end + 2 : end + 1;
    bodyLines = [...lines.slice(0, begin), ...lines.slice(stop)];
    insertAt = begin;
  }

  // Hand-written components with a generated id are removed; the first run
  // moves them into the region, where the first of them stood.
  const body = bodyLines.join('\n');
  const schemas = parseDocument(body).getIn(['components', 'schemas'], true);
  if (!isMap(schemas)) {
    throw new Error(`${specPath} has no components.schemas mapping`);
  }
  const lineOf = (offset: number) =>
    body.slice(0, offset).split('\n').length - 1;
  // Every key and value of a parsed mapping is a node with a source range.
  const rangeOf = (node: unknown): [number, number, number] => {
    if (!isNode(node) || !node.range) {
      throw new Error(`${specPath}: a components.schemas entry has no range`);
    }
    return node.range;
  };
  const keyLines = schemas.items.map(pair => lineOf(rangeOf(pair.key)[0]));
  const lastLine = lineOf(
    rangeOf(schemas.items[schemas.items.length - 1].value)[1],
  );
  const blocks = schemas.items
    .map((pair, index) => ({
      id: isScalar(pair.key) ? String(pair.key.value) : '',
      first: keyLines[index],
      // A block runs to the line before the next key (blank lines and
      // comments above that key included).
      last: index + 1 < keyLines.length ? keyLines[index + 1] - 1 : lastLine,
    }))
    .filter(block => ids.has(block.id))
    .sort((x, y) => y.first - x.first);
  let removedBeforeRegion = 0;
  for (const block of blocks) {
    const length = block.last - block.first + 1;
    bodyLines.splice(block.first, length);
    if (insertAt !== -1 && block.last < insertAt) {
      removedBeforeRegion += length;
    }
  }
  if (insertAt !== -1) {
    insertAt -= removedBeforeRegion;
  } else if (blocks.length > 0) {
    insertAt = blocks[blocks.length - 1].first;
  }
  if (insertAt === -1) {
    // Neither a region nor a generated id yet: start of components.schemas.
    insertAt = bodyLines.indexOf('  schemas:') + 1;
  }

  // Lists of names (enum values, required fields) in flow style where they
  // fit on a line, as the hand-written parts of the spec write them; the
  // output is then already in the repository's prettier format.
  const generated = new Document(components);
  visit(generated, {
    Pair(_, pair) {
      if (
        isPair(pair) &&
        isScalar(pair.key) &&
        (pair.key.value === 'enum' || pair.key.value === 'required') &&
        isSeq(pair.value)
      ) {
        pair.value.flow = true;
      }
    },
  });
  const rendered = generated
    .toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true })
    .trimEnd()
    .split('\n')
    .flatMap(line => blockIfLong(`    ${line}`));
  return [
    ...bodyLines.slice(0, insertAt),
    BEGIN,
    ...NOTE,
    ...rendered,
    END,
    '',
    ...bodyLines.slice(insertAt),
  ].join('\n');
}

/** The repository's print width (prettier's default, which it keeps). */
const PRINT_WIDTH = 80;

/** `required: [a, b]` as a block list when it does not fit on the line. */
function blockIfLong(line: string): string[] {
  const match = /^(\s*)(enum|required): \[(.*)\]$/.exec(line);
  if (!match || line.length <= PRINT_WIDTH) {
    return [line];
  }
  const [, indent, key, items] = match;
  return [
    `${indent}${key}:`,
    ...items.split(', ').map(item => `${indent}  - ${item}`),
  ];
}

function main() {
  const text = fs.readFileSync(specPath, 'utf8');
  const generated = generateSpec(text);
  const relative = path.relative(process.cwd(), specPath);
  if (process.argv.includes('--check')) {
    if (generated !== text) {
      console.error(
        `${relative}: the generated domain schemas differ from common's zod schemas; run yarn --cwd plugins/mesh-readiness-backend generate:openapi`,
      );
      process.exit(1);
    }
    console.log(`${relative}: domain schemas up to date`);
    return;
  }
  if (generated !== text) {
    fs.writeFileSync(specPath, generated);
    console.log(`Wrote the domain schemas of ${relative}`);
  }
}

if (require.main === module) {
  main();
}
