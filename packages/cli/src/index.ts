/*
 * Entry point of the `mesh-readiness` command (bundled into
 * dist/mesh-readiness.cjs). Sets the exit code instead of calling
 * process.exit, so that piped output is flushed before the process ends.
 */
import { runCli } from './main';

// `mesh-readiness check | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

runCli(
  process.argv.slice(2),
  {
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
    cwd: process.cwd(),
  },
  process.env,
).then(
  code => {
    process.exitCode = code;
  },
  error => {
    // Not an input problem: a defect. Show the stack, and exit 2 so that a
    // pipeline never reads it as "not ready".
    process.stderr.write(
      `mesh-readiness: internal error: ${
        error instanceof Error ? error.stack ?? error.message : String(error)
      }\n`,
    );
    process.exitCode = 2;
  },
);
