import packageJson from '../package.json';

/** The CLI's own version, shown by `--version` and in SARIF and markdown. */
export const CLI_VERSION: string = packageJson.version;
