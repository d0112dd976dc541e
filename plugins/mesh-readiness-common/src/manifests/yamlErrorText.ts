import type { ErrorCode } from 'yaml';

/*
 * Manifest problems become findings that every reader of the portal sees.
 * The `yaml` library builds some messages from the text it parsed (e.g.
 * `Unexpected scalar token in YAML stream: "<the rest of the line>"`), so a
 * file that was never YAML would be quoted into a finding. Problems say
 * what is wrong in fixed words chosen by the error's code; the file, line
 * and column say where.
 */
const YAML_ERROR_TEXT: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias refers to no anchor defined before it',
  BAD_DIRECTIVE: 'unknown or malformed directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a reserved character',
  BLOCK_AS_IMPLICIT_KEY: 'nested mappings are not allowed in compact mappings',
  BLOCK_IN_FLOW: 'a block collection inside a flow collection',
  DUPLICATE_KEY: 'map keys must be unique',
  IMPOSSIBLE: 'the YAML parser failed',
  KEY_OVER_1024_CHARS: 'an implicit key is longer than 1024 characters',
  MISSING_CHAR:
    'a character is missing (closing quote or bracket, comma or colon)',
  MULTILINE_IMPLICIT_KEY: 'implicit keys need to be on a single line',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'more than one document where one is expected',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'the document is too large or too deeply nested',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  TAG_RESOLVE_FAILED: 'unknown tag',
  UNEXPECTED_TOKEN: 'unexpected text',
  BAD_COLLECTION_TYPE: 'a tag does not fit the collection it is on',
};

/** What a YAML syntax error is, in words that quote nothing of the file. */
export function yamlErrorText(code: ErrorCode | string): string {
  return YAML_ERROR_TEXT[code as ErrorCode] ?? 'syntax error';
}

/** Why a document's aliases could not be expanded, quoting nothing of the file. */
export function aliasErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return /alias count|resource exhaustion/i.test(message)
    ? 'too many alias expansions (a YAML alias bomb?)'
    : 'an alias could not be resolved';
}
