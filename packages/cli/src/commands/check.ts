import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildCiEvaluationFacts,
  evaluate,
  formatProblem,
  groupAncestryOf,
  ManifestFile,
  Program,
  parseManifests,
  programAppliesTo,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { EXIT_NOT_READY, EXIT_OK, InputError } from '../errors';
import { CheckReport, REPORT_FORMATS, renderReport } from '../formats';
import { forEntity, readAttestationExport } from '../inputs/attestations';
import { readCatalogFile, selectEntity } from '../inputs/catalog';
import {
  manifestPatterns,
  readManifestFiles,
  repositoryPath,
  resolveManifestPaths,
} from '../inputs/manifests';
import { defaultProgramFor, loadProgramOption } from '../inputs/programs';
import { repositoryOf } from '../inputs/safeFiles';
import {
  checkTargetPhaseOption,
  phaseReached,
  resolveTargetPhase,
} from '../targetPhase';
import { CLI_VERSION } from '../version';
import type { CommandIo } from './io';
import { oneOf, parseOptions } from './parseOptions';

/** The analyzer that reports manifests that cannot be parsed. */
const MANIFESTS_CHECK_ANALYZER = 'cat.manifests';

export const CHECK_USAGE = `Usage: mesh-readiness check [options] [MANIFEST|GLOB ...]

Evaluates one catalog entity against a Mesh Readiness program and exits 0 when
the entity reaches the target phase, 1 when it does not, 2 on bad input.

Options:
  -c, --catalog FILE       catalog-info.yaml holding the entity (default: catalog-info.yaml)
  -e, --entity REF         entity to check, kind:namespace/name (default: the first Component)
  -m, --manifests GLOB     manifest file, folder or glob; repeatable. Default: the entity's
                           mesh-readiness.io/manifests annotation, relative to the catalog file
  -p, --program FILE|ID    program file, or istio-adoption | linkerd-adoption (default: from
                           the entity's mesh-readiness.io/program or mesh-readiness.io/mesh)
  -t, --target-phase ID    phase to reach (default: the entity's wave target, the first of its
                           waves by due date not reached yet; else the program's first phase)
      --ci-facts FILE      the entity's CI facts exported from the portal (JSON or YAML):
                           attestations, waivers and catalog facts (callers, owner)
  -a, --attestations FILE  the same as --ci-facts (its earlier name)
  -f, --format FORMAT      text | json | junit | sarif | markdown (default: text)
  -o, --output FILE        write the report to FILE instead of standard output
      --root DIR           the repository: manifests must lie inside DIR, and paths in
                           findings are relative to it (default: manifests must lie inside
                           the catalog file's repository, the nearest folder above it with
                           .git, else its folder; paths are relative to the current folder)
      --portal-url URL     base URL of the portal, to print absolute playbook links
      --now ISO            evaluation time (default: now)
  -h, --help               show this help
`;

const OPTIONS = {
  catalog: { type: 'string', short: 'c' },
  entity: { type: 'string', short: 'e' },
  manifests: { type: 'string', short: 'm', multiple: true },
  program: { type: 'string', short: 'p' },
  'target-phase': { type: 'string', short: 't' },
  'ci-facts': { type: 'string' },
  attestations: { type: 'string', short: 'a' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  root: { type: 'string' },
  'portal-url': { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function runCheck(args: string[], io: CommandIo): number {
  const { values, positionals } = parseOptions('check', args, OPTIONS);
  if (values.help) {
    io.out(CHECK_USAGE);
    return EXIT_OK;
  }
  const format = oneOf('format', values.format, REPORT_FORMATS, 'text');
  const now = parseNow(values.now);
  const portalUrl = parsePortalUrl(values['portal-url']);
  const root = resolve(io.cwd, values.root ?? '.');
  if (values['ci-facts'] !== undefined && values.attestations !== undefined) {
    throw new InputError(
      '--ci-facts and --attestations are the same option; give one of them',
    );
  }
  const ciFactsFile = values['ci-facts'] ?? values.attestations;

  // Read as given, so that messages name the file the way the user wrote it.
  const catalog = readCatalogFile(values.catalog ?? 'catalog-info.yaml');
  const document = selectEntity(catalog, values.entity);
  const components = catalog.documents.filter(
    candidate =>
      candidate.entity.kind.toLocaleLowerCase('en-US') === 'component',
  );
  if (values.entity === undefined && components.length > 1) {
    io.err(
      `note: ${catalog.file} holds ${components.length} Components; checking the first, ${document.ref} (pick another with --entity)\n`,
    );
  }

  const loaded = values.program
    ? loadProgramOption(values.program)
    : defaultProgramFor(document.entity, document.ref);
  if (!programAppliesTo(loaded.program, document.entity)) {
    const { kinds, types, lifecycles } = loaded.program.spec.appliesTo;
    throw new InputError(
      `program ${loaded.program.metadata.name} does not apply to ${
        document.ref
      } (it applies to kinds ${kinds.join(', ') || 'any'}${
        types?.length ? `, types ${types.join(', ')}` : ''
      }${lifecycles?.length ? `, lifecycles ${lifecycles.join(', ')}` : ''})`,
      { location: { file: document.file, line: document.line } },
    );
  }
  const targetOption = values['target-phase'];
  if (targetOption !== undefined) {
    // Refuse an unknown --target-phase before reading anything else.
    checkTargetPhaseOption(loaded.program, targetOption);
  }

  const patterns = manifestPatterns(
    [...(values.manifests ?? []), ...positionals],
    document,
    io.cwd,
  );
  if (patterns.origin === 'none') {
    io.err(
      `note: ${document.ref} has no mesh-readiness.io/manifests annotation and no manifests were given; evaluating without manifests\n`,
    );
  }
  // Annotations come from the repository under check (a pull request can
  // change them): what they name is read only inside the repository.
  const confinement =
    values.root === undefined
      ? repositoryOf(resolve(io.cwd, catalog.file))
      : root;
  const manifests = readManifestFiles(
    resolveManifestPaths(patterns, confinement),
    root,
  );
  const exported = ciFactsFile
    ? forEntity(readAttestationExport(ciFactsFile), document.ref, ciFactsFile)
    : { attestations: [], waivers: [] };

  // The same facts as the backend's stateless evaluation (see common's
  // buildCiEvaluationFacts): no cluster or metrics source in CI.
  const facts = buildCiEvaluationFacts({
    entity: document.entity,
    manifests,
    attestations: exported.attestations,
    waivers: exported.waivers,
    catalog: exported.catalog,
    now,
  });
  const scorecard = evaluate(loaded.program, facts);
  warnAboutUnreportedManifestProblems(loaded.program, manifests, io);
  // The wave target depends on the phase reached (the first wave whose
  // target is not reached yet), so it is known only after the evaluation.
  const target = resolveTargetPhase(loaded.program, document, scorecard.phase, {
    option: targetOption,
    ancestorsOf: groupAncestryOf(catalog.documents.map(d => d.entity)),
  });
  const reached = phaseReached(loaded.program, scorecard.phase, target.phase);
  const report: CheckReport = {
    scorecard,
    program: loaded.program,
    target,
    reached,
    catalog: {
      ref: document.ref,
      line: document.line,
      path: repositoryPath(resolve(io.cwd, catalog.file), root),
    },
    portalUrl,
    cliVersion: CLI_VERSION,
  };
  const rendered = renderReport(format, report);
  if (values.output) {
    try {
      writeFileSync(resolve(io.cwd, values.output), rendered);
    } catch (error) {
      throw new InputError(
        `cannot write the report to '${values.output}': ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    io.err(
      `${scorecard.entityRef}: phase ${scorecard.phase}, target ${
        target.phase
      } ${reached ? 'reached' : 'not reached'}; ${format} report written to ${
        values.output
      }\n`,
    );
  } else {
    io.out(rendered);
  }
  return reached ? EXIT_OK : EXIT_NOT_READY;
}

/**
 * A manifest that does not parse is a finding of the `cat.manifests` check
 * (with file and line, so it fails the gate and annotates the diff). When a
 * program has no such check the problems would go unseen: print them. The
 * manifests are only parsed a second time in that case.
 */
function warnAboutUnreportedManifestProblems(
  program: Program,
  manifests: ManifestFile[],
  io: CommandIo,
): void {
  if (
    program.spec.checks.some(
      check => check.analyzer === MANIFESTS_CHECK_ANALYZER,
    )
  ) {
    return;
  }
  for (const problem of parseManifests(manifests).problems) {
    io.err(`warning: ${formatProblem(problem)}\n`);
  }
}

function parseNow(value: string | undefined): string {
  if (value === undefined) {
    return new Date().toISOString();
  }
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new InputError(
      `--now '${value}' is not an ISO date-time (e.g. 2027-01-31T12:00:00Z)`,
    );
  }
  return new Date(time).toISOString();
}

function parsePortalUrl(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^https?:\/\/[^/]/i.test(value)) {
    throw new InputError(`--portal-url '${value}' is not an http(s) URL`);
  }
  return value;
}
