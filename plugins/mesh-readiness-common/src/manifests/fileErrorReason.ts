/**
 * Why a manifest file could not be read, in words, from the error a file
 * system call threw. The backend's confined reads and the CLI's safe reads
 * both report through this, so an entity author sees the same reason in the
 * portal and in CI. It only reads the error's `code` (an errno name), so it
 * stays usable where no file system exists.
 */
export function fileErrorReason(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? (error as { code?: unknown }).code
      : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a parent of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    case undefined:
      return error instanceof Error ? error.message : String(error);
    default:
      return typeof code === 'string'
        ? `cannot be read (${code})`
        : String(error);
  }
}
