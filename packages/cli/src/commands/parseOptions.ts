import { parseArgs, ParseArgsConfig } from 'node:util';
import { InputError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` (Node 18.3+, so fine on Node 20) in strict mode, with its
 * errors turned into usage errors that say which command to ask for help.
 */
export function parseOptions<T extends Options>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `${message.replace(
        /\. To specify a positional argument.*$/s,
        '',
      )}; see 'mesh-readiness ${command} --help'`,
    );
  }
}

/** Checks an option against a closed list of values. */
export function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(
      `unknown ${option} '${value}'; expected one of ${allowed.join(', ')}`,
    );
  }
  return value as T;
}
