import {
  listAnalyzers,
  Program,
  ProgramCheck,
  ProgramChecklistItem,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { EXIT_OK, InputError } from '../errors';
import { displayLink } from '../formats/links';
import {
  defaultProgramIds,
  loadDefaultProgram,
  LoadedProgram,
  loadProgramOption,
} from '../inputs/programs';
import type { CommandIo } from './io';
import { parseOptions } from './parseOptions';
import { nearMatches } from './nearMatches';

export const EXPLAIN_USAGE = `Usage: mesh-readiness explain CHECK-ID [options]

Explains a check (or checklist item): what it looks at, why it matters, how
to fix a failure, and where to read more.

Options:
  -p, --program FILE|ID   program to read the check from (default: every built-in program
                          that has it: ${'istio-adoption, linkerd-adoption'})
      --portal-url URL    base URL of the portal, to print absolute playbook links
  -h, --help              show this help
`;

export function runExplain(args: string[], io: CommandIo): number {
  const { values, positionals } = parseOptions('explain', args, {
    program: { type: 'string', short: 'p' },
    'portal-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(EXPLAIN_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new InputError(
      `explain takes one check id, got ${positionals.length}; see 'mesh-readiness explain --help'`,
    );
  }
  const [id] = positionals;
  const portalUrl = values['portal-url'];
  if (portalUrl !== undefined && !/^https?:\/\/[^/]/i.test(portalUrl)) {
    throw new InputError(`--portal-url '${portalUrl}' is not an http(s) URL`);
  }
  const programs: LoadedProgram[] = values.program
    ? [loadProgramOption(values.program)]
    : defaultProgramIds().map(loadDefaultProgram);

  const sections: string[] = [];
  for (const { program } of programs) {
    const check = program.spec.checks.find(candidate => candidate.id === id);
    if (check) {
      sections.push(explainCheck(program, check, portalUrl));
      continue;
    }
    const item = program.spec.checklist.find(candidate => candidate.id === id);
    if (item) {
      sections.push(explainChecklistItem(program, item, portalUrl));
    }
  }
  if (sections.length === 0) {
    const known = [
      ...new Set(
        programs.flatMap(({ program }) => [
          ...program.spec.checks.map(check => check.id),
          ...program.spec.checklist.map(item => item.id),
        ]),
      ),
    ];
    const near = nearMatches(id, known);
    const where = programs
      .map(loaded => loaded.program.metadata.name)
      .join(', ');
    throw new InputError(
      `unknown check '${id}' in ${where}${
        near.length > 0 ? `; did you mean: ${near.join(', ')}?` : ''
      }`,
      {
        details:
          near.length > 0 ? [] : [`known ids: ${known.sort().join(', ')}`],
      },
    );
  }
  io.out(sections.join('\n'));
  return EXIT_OK;
}

function explainCheck(
  program: Program,
  check: ProgramCheck,
  portalUrl?: string,
): string {
  const analyzer = listAnalyzers().find(
    candidate => candidate.id === check.analyzer,
  );
  const lines = [
    `${check.id} — ${check.title}`,
    `Program ${program.metadata.name} ${program.metadata.version} (${program.spec.mesh}); phase ${check.phase}, ${check.severity}`,
    '',
    'What it looks at',
    `  Evidence: ${check.evidence.join(', ')}`,
    `  Analyzer: ${check.analyzer}${
      analyzer
        ? ` — ${analyzer.title} (meshes: ${analyzer.mesh.join(', ')})`
        : ''
    }`,
  ];
  if (analyzer && analyzer.upstream.length > 0) {
    lines.push(`  Upstream rules: ${analyzer.upstream.join(', ')}`);
  }
  if (check.params && Object.keys(check.params).length > 0) {
    lines.push(`  Parameters: ${JSON.stringify(check.params)}`);
  }
  lines.push(
    '',
    'Why',
    indent(check.rationale),
    '',
    'How to fix',
    indent(check.remediation),
  );
  lines.push(...templateLines(program, check.template));
  lines.push(...linkLines(program, check.playbook, portalUrl));
  return `${lines.join('\n')}\n`;
}

function explainChecklistItem(
  program: Program,
  item: ProgramChecklistItem,
  portalUrl?: string,
): string {
  const lines = [
    `${item.id} — ${item.title} (checklist item, attested in the portal)`,
    `Program ${program.metadata.name} ${program.metadata.version} (${program.spec.mesh}); phase ${item.phase}, ${item.severity}`,
    '',
    'What it asks',
    indent(item.description),
    `  Attested by: ${item.roles.join(' or ')}${
      item.expiresAfter ? `; expires after ${item.expiresAfter}` : ''
    }${
      item.resetOn && item.resetOn.length > 0
        ? `; reset when ${item.resetOn.join(', ')} change`
        : ''
    }`,
  ];
  lines.push(...templateLines(program, item.template));
  lines.push(...linkLines(program, item.playbook, portalUrl));
  return `${lines.join('\n')}\n`;
}

function templateLines(
  program: Program,
  templateId: string | undefined,
): string[] {
  const template = program.spec.templates.find(
    candidate => candidate.id === templateId,
  );
  if (!template) {
    return [];
  }
  const lines = [
    `  Template: ${template.title}${
      template.templateRef ? ` (${template.templateRef})` : ''
    }`,
  ];
  if (template.description) {
    lines.push(indent(template.description, 4));
  }
  if (template.fragment) {
    lines.push(indent(template.fragment.trimEnd(), 4));
  }
  return lines;
}

function linkLines(
  program: Program,
  playbookId: string | undefined,
  portalUrl?: string,
): string[] {
  const playbook = program.spec.playbooks.find(
    candidate => candidate.id === playbookId,
  );
  if (!playbook) {
    return [];
  }
  const lines = ['', 'Links'];
  const link = displayLink(playbook.url, portalUrl);
  if (link) {
    lines.push(`  Playbook: ${playbook.title} — ${link}`);
  }
  for (const reference of playbook.references ?? []) {
    const shown = displayLink(reference, portalUrl);
    if (shown) {
      lines.push(`  Reference: ${shown}`);
    }
  }
  return lines;
}

function indent(text: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return text
    .trim()
    .split('\n')
    .map(line => `${pad}${line}`)
    .join('\n');
}
