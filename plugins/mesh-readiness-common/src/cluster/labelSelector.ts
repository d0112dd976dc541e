/*
 * Kubernetes label selectors in their string form, as `kubectl -l` and the
 * `labelSelector` query parameter take them and as Backstage's
 * `backstage.io/kubernetes-label-selector` annotation holds them
 * (k8s.io/apimachinery `pkg/labels/selector.go`): comma-separated
 * requirements, each `key`, `!key`, `key=value`, `key==value`,
 * `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key>1` or `key<1`. The
 * parser is strict: whatever the API server would refuse is an error that
 * says what and where, since an entity's annotation is untrusted input.
 */

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; operator: 'exists' | 'does-not-exist' }
  | { key: string; operator: 'in' | 'not-in'; values: string[] }
  | { key: string; operator: 'greater-than' | 'less-than'; value: number };

/** Parsed, or why not. */
export type LabelSelectorParse =
  | { ok: true; requirements: LabelRequirement[] }
  | { ok: false; message: string };

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why a label key is invalid (Kubernetes' qualified name), if it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253) {
      return `the prefix of label key "${key}" must be 1 to 253 characters`;
    }
    if (!DNS_SUBDOMAIN.test(prefix)) {
      return `the prefix of label key "${key}" must be a DNS subdomain (lower case letters, digits, '-' and '.')`;
    }
  }
  if (name.length === 0 || name.length > 63) {
    return `the name of label key "${key}" must be 1 to 63 characters`;
  }
  if (!NAME_PART.test(name)) {
    return `label key "${key}" may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why a label value is invalid, if it is (the empty value is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) {
    return `label value "${value}" is longer than 63 characters`;
  }
  if (value.length > 0 && !NAME_PART.test(value)) {
    return `label value "${value}" may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

type Token =
  | { type: 'word'; text: string; at: number }
  | {
      type: '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '<' | '>' | 'end';
      at: number;
    };

const SPECIAL = new Set(['!', '=', '(', ')', ',', '<', '>']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '!' && text[i + 1] === '=') {
      tokens.push({ type: '!=', at: i });
      i += 2;
    } else if (c === '=' && text[i + 1] === '=') {
      tokens.push({ type: '==', at: i });
      i += 2;
    } else if (SPECIAL.has(c)) {
      tokens.push({
        type: c as '!' | '=' | '(' | ')' | ',' | '<' | '>',
        at: i,
      });
      i++;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]) && !SPECIAL.has(text[i])) {
        i++;
      }
      tokens.push({ type: 'word', text: text.slice(start, i), at: start });
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

class SelectorSyntaxError extends Error {}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end';
  if (token.type === 'word') return `"${token.text}"`;
  return `"${token.type}"`;
}

/**
 * Parses a label selector string. The empty selector is refused: it would
 * select every pod of every cluster.
 */
export function parseLabelSelector(text: string): LabelSelectorParse {
  if (text.trim() === '') {
    return {
      ok: false,
      message: 'the selector is empty (it would select every pod)',
    };
  }
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const fail: (token: Token, expected: string) => never = (token, expected) => {
    throw new SelectorSyntaxError(
      `expected ${expected} at position ${token.at + 1}, found ${describe(
        token,
      )}`,
    );
  };
  const key = (): string => {
    const token = next();
    if (token.type !== 'word') return fail(token, 'a label key');
    const problem = labelKeyProblem(token.text);
    if (problem) throw new SelectorSyntaxError(problem);
    return token.text;
  };
  const value = (): string => {
    const token = peek();
    // `key=` selects the empty value.
    if (token.type !== 'word') return '';
    position++;
    const problem = labelValueProblem(token.text);
    if (problem) throw new SelectorSyntaxError(problem);
    return token.text;
  };
  const valueSet = (operator: string): string[] => {
    const open = next();
    if (open.type !== '(') fail(open, `"(" after ${operator}`);
    const values: string[] = [];
    for (;;) {
      values.push(value());
      const token = next();
      if (token.type === ')') break;
      if (token.type !== ',') fail(token, '"," or ")"');
    }
    if (
      values.length === 1 &&
      values[0] === '' &&
      tokens[position - 2].type === '('
    ) {
      throw new SelectorSyntaxError(
        `the values of ${operator} must not be empty`,
      );
    }
    return values;
  };

  const requirements: LabelRequirement[] = [];
  try {
    for (;;) {
      const first = peek();
      if (first.type === '!') {
        position++;
        requirements.push({ key: key(), operator: 'does-not-exist' });
      } else {
        const name = key();
        const op = peek();
        if (op.type === ',' || op.type === 'end') {
          requirements.push({ key: name, operator: 'exists' });
        } else if (op.type === '=' || op.type === '==' || op.type === '!=') {
          position++;
          requirements.push({
            key: name,
            operator: op.type === '!=' ? 'not-in' : 'in',
            values: [value()],
          });
        } else if (
          op.type === 'word' &&
          (op.text === 'in' || op.text === 'notin')
        ) {
          position++;
          requirements.push({
            key: name,
            operator: op.text === 'in' ? 'in' : 'not-in',
            values: valueSet(op.text),
          });
        } else if (op.type === '<' || op.type === '>') {
          position++;
          const token = next();
          if (token.type !== 'word' || !/^-?\d+$/.test(token.text)) {
            fail(token, `an integer after "${op.type}"`);
          }
          requirements.push({
            key: name,
            operator: op.type === '>' ? 'greater-than' : 'less-than',
            value: Number(token.text),
          });
        } else {
          fail(op, 'an operator (=, ==, !=, in, notin, <, >), "," or the end');
        }
      }
      const separator = next();
      if (separator.type === 'end') break;
      if (separator.type !== ',') fail(separator, '"," or the end');
    }
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      return { ok: false, message: error.message };
    }
    throw error;
  }
  return { ok: true, requirements };
}

/** Whether a pod's labels satisfy every requirement. */
export function matchesRequirements(
  requirements: ReadonlyArray<LabelRequirement>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const requirement of requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const actual = has ? labels[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'exists':
        if (!has) return false;
        break;
      case 'does-not-exist':
        if (has) return false;
        break;
      case 'in':
        if (actual === undefined || !requirement.values.includes(actual)) {
          return false;
        }
        break;
      case 'not-in':
        if (actual !== undefined && requirement.values.includes(actual)) {
          return false;
        }
        break;
      case 'greater-than':
      case 'less-than': {
        // Kubernetes compares the label as an integer; a label that is not
        // one does not match.
        if (actual === undefined || !/^-?\d+$/.test(actual)) return false;
        const number = Number(actual);
        if (
          requirement.operator === 'greater-than'
            ? !(number > requirement.value)
            : !(number < requirement.value)
        ) {
          return false;
        }
        break;
      }
      default:
        return false;
    }
  }
  return true;
}
