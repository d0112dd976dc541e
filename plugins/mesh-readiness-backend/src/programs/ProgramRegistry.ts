import type {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_PROGRAM_IDS,
  formatProblem,
  loadProgram,
  selectProgramFor,
  type EntityFacts,
  type Program,
  type SourceProblem,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Status of one configured program location (the API's ProgramStatus). */
export interface ProgramStatusRecord {
  id: string;
  location: string;
  status: 'valid' | 'invalid' | 'unreadable';
  title?: string;
  version?: string;
  mesh?: Program['spec']['mesh'];
  inForce: boolean;
  loadedAt?: string;
  checkedAt: string;
  problems: SourceProblem[];
  program?: Program;
}

interface LocationState {
  location: string;
  /** The location as the API shows it (see displayLocation). */
  shownAs: string;
  /** The last good program of this location, kept when a re-read fails. */
  lastGood?: { program: Program; loadedAt: string };
  status: ProgramStatusRecord['status'];
  problems: SourceProblem[];
  checkedAt: string;
}

/** Absolute path of a program shipped with the common package. */
export function defaultProgramPath(id: string): string {
  const packageJson = require.resolve(
    '@mesh-readiness/plugin-mesh-readiness-common/package.json',
  );
  return path.join(path.dirname(packageJson), 'programs', `${id}.yaml`);
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

const COMMON_PACKAGE = '@mesh-readiness/plugin-mesh-readiness-common';

/** `url:<url>`, `file:<path>`, a URL or a path; relative paths from cwd. */
function normaliseLocation(location: string): {
  kind: 'url' | 'file';
  target: string;
} {
  const trimmed = location.trim();
  if (trimmed.startsWith('url:')) {
    return { kind: 'url', target: trimmed.slice(4) };
  }
  if (trimmed.startsWith('file:')) {
    return { kind: 'file', target: path.resolve(trimmed.slice(5)) };
  }
  if (isUrl(trimmed)) {
    return { kind: 'url', target: trimmed };
  }
  return { kind: 'file', target: path.resolve(trimmed) };
}

/**
 * How the API and the portal show a location: as configured when it is a
 * relative path or a URL (without user name and password), the package
 * path of a shipped program, and otherwise never an absolute path of the
 * machine but the path relative to the backend's working directory, or
 * only the file name when the file lies outside it. The log keeps the
 * location as configured.
 */
export function displayLocation(
  location: string,
  cwd: string = process.cwd(),
): string {
  const trimmed = location.trim();
  const { kind, target } = normaliseLocation(trimmed);
  if (kind === 'url') {
    try {
      const url = new URL(target);
      if (!url.username && !url.password) return trimmed;
      url.username = '';
      url.password = '';
      return `${trimmed.startsWith('url:') ? 'url:' : ''}${url.toString()}`;
    } catch {
      return trimmed;
    }
  }
  const prefix = trimmed.startsWith('file:') ? 'file:' : '';
  if (!path.isAbsolute(trimmed.slice(prefix.length))) {
    return trimmed;
  }
  const shipped = DEFAULT_PROGRAM_IDS.find(
    id => path.resolve(defaultProgramPath(id)) === target,
  );
  if (shipped) {
    return `${COMMON_PACKAGE}/programs/${shipped}.yaml`;
  }
  const relative = path.relative(cwd, target);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return `${prefix}${relative}`;
  }
  return `${prefix}${path.basename(target)}`;
}

/**
 * The programs in force. Reads every configured location (or the shipped
 * defaults when none is configured), validates each with the engine's
 * `loadProgram`, and keeps the last good version of a location whose new
 * content is invalid or unreadable, reporting the problems through
 * {@link ProgramRegistry.list} and the log.
 */
export class ProgramRegistry {
  private readonly locations: string[];
  private readonly states = new Map<string, LocationState>();
  private readonly logger: LoggerService;
  private readonly urlReader: UrlReaderService;
  private reading?: Promise<void>;

  static fromConfig(options: {
    config: RootConfigService;
    urlReader: UrlReaderService;
    logger: LoggerService;
  }): ProgramRegistry {
    const configured = options.config
      .getOptionalConfigArray('meshReadiness.programs')
      ?.map(c => c.getString('location'));
    const locations =
      configured && configured.length > 0
        ? configured
        : DEFAULT_PROGRAM_IDS.map(id => `file:${defaultProgramPath(id)}`);
    return new ProgramRegistry(locations, options.urlReader, options.logger);
  }

  constructor(
    locations: string[],
    urlReader: UrlReaderService,
    logger: LoggerService,
  ) {
    this.locations = locations;
    this.urlReader = urlReader;
    this.logger = logger;
  }

  /** Re-reads every location; concurrent calls share one read. */
  async reload(): Promise<ProgramStatusRecord[]> {
    if (!this.reading) {
      this.reading = this.readAll().finally(() => {
        this.reading = undefined;
      });
    }
    await this.reading;
    return this.list();
  }

  private async readText(location: string): Promise<string> {
    const { kind, target } = normaliseLocation(location);
    if (kind === 'url') {
      const response = await this.urlReader.readUrl(target);
      return (await response.buffer()).toString('utf8');
    }
    return fs.readFile(target, 'utf8');
  }

  private async readAll(): Promise<void> {
    const checkedAt = new Date().toISOString();
    const seenIds = new Map<string, string>();
    for (const location of this.locations) {
      const previous = this.states.get(location);
      const shownAs = displayLocation(location);
      const state: LocationState = {
        location,
        shownAs,
        lastGood: previous?.lastGood,
        status: 'valid',
        problems: [],
        checkedAt,
      };
      let text: string | undefined;
      try {
        text = await this.readText(location);
      } catch (error) {
        state.status = 'unreadable';
        const { target } = normaliseLocation(location);
        state.problems = [
          {
            file: shownAs,
            line: 1,
            column: 1,
            path: '',
            // File system errors quote the absolute path; show it as the
            // location is shown.
            message: `cannot read the program: ${(error as Error).message
              .split(target)
              .join(shownAs)}`,
          },
        ];
      }
      if (text !== undefined) {
        const result = loadProgram(text, shownAs);
        if (result.ok) {
          const id = result.program.metadata.name;
          const other = seenIds.get(id);
          if (other) {
            state.status = 'invalid';
            state.problems = [
              {
                file: shownAs,
                line: 1,
                column: 1,
                path: 'metadata.name',
                message: `program id "${id}" is already defined by ${other}`,
              },
            ];
          } else {
            state.lastGood = { program: result.program, loadedAt: checkedAt };
          }
        } else {
          state.status = 'invalid';
          state.problems = result.problems;
        }
      }
      if (state.lastGood) {
        seenIds.set(state.lastGood.program.metadata.name, shownAs);
      }
      if (state.status !== 'valid') {
        this.logger.error(
          `Mesh Readiness program at ${location} is ${state.status}${
            state.lastGood
              ? `; version ${state.lastGood.program.metadata.version} loaded at ${state.lastGood.loadedAt} stays in force`
              : '; no version of it is in force'
          }: ${state.problems.map(formatProblem).join('; ')}`,
        );
      }
      this.states.set(location, state);
    }
  }

  /** Every configured location with its status. */
  list(): ProgramStatusRecord[] {
    return this.locations.map(location => {
      const state = this.states.get(location);
      const program = state?.lastGood?.program;
      const shownAs = state?.shownAs ?? displayLocation(location);
      return {
        id: program?.metadata.name ?? shownAs,
        location: shownAs,
        status: state?.status ?? 'unreadable',
        title: program?.metadata.title,
        version: program?.metadata.version,
        mesh: program?.spec.mesh,
        inForce: Boolean(program),
        loadedAt: state?.lastGood?.loadedAt,
        checkedAt: state?.checkedAt ?? new Date(0).toISOString(),
        problems: state?.problems ?? [],
        program,
      };
    });
  }

  /** The programs in force, in configuration order. */
  programs(): Program[] {
    const programs: Program[] = [];
    for (const location of this.locations) {
      const program = this.states.get(location)?.lastGood?.program;
      if (program) programs.push(program);
    }
    return programs;
  }

  get(id: string): Program | undefined {
    return this.programs().find(p => p.metadata.name === id);
  }

  /**
   * The program an entity is evaluated against (the engine's
   * `selectProgramFor` over the programs in force): named by the
   * `mesh-readiness.io/program` annotation, else matching its
   * `mesh-readiness.io/mesh` annotation, else `istio-adoption`; undefined
   * when that program does not apply to the entity.
   */
  selectProgram(entity: EntityFacts['entity']): Program | undefined {
    return selectProgramFor(this.programs(), entity);
  }
}
