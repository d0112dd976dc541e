import { runCheck } from './commands/check';
import { runCollect } from './commands/collect';
import { runExplain } from './commands/explain';
import type { CommandIo } from './commands/io';
import { runValidate } from './commands/validate';
import { EXIT_BAD_INPUT, EXIT_OK, formatLocation, InputError } from './errors';
import { CLI_VERSION } from './version';

export const USAGE = `Usage: mesh-readiness <command> [options]

Commands:
  check      evaluate a catalog entity and its manifests against a program
  validate   validate program files
  explain    explain a check: what it looks at, why, how to fix
  collect    collect a cluster's evidence and write it to a file or post it to the portal

Run 'mesh-readiness <command> --help' for the options of a command.

Exit codes: 0 target phase reached / valid / collected, 1 not reached /
invalid / the cluster or the portal failed, 2 bad input or usage.
`;

/** Runs one command line and resolves to the process exit code. */
export async function runCli(
  argv: string[],
  io: CommandIo,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'check':
        return runCheck(args, io);
      case 'validate':
        return runValidate(args, io);
      case 'explain':
        return runExplain(args, io);
      case 'collect':
        return await runCollect(args, io, env);
      case '--version':
      case '-V':
        io.out(`${CLI_VERSION}\n`);
        return EXIT_OK;
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return EXIT_OK;
      case undefined:
        io.err(USAGE);
        return EXIT_BAD_INPUT;
      default:
        throw new InputError(
          `unknown command '${command}'; expected check, validate, explain or collect`,
        );
    }
  } catch (error) {
    if (error instanceof InputError) {
      const where = error.location ? `${formatLocation(error.location)}: ` : '';
      io.err(`mesh-readiness: ${where}${error.message}\n`);
      for (const detail of error.details) {
        io.err(`  ${detail}\n`);
      }
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}
