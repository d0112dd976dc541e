/** Where a command writes; the entry point binds it to the process. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}
