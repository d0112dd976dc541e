/*
 * Rules that relate several parts of a program: unique ids, references to
 * phases, playbooks and templates, the order of phases and waves, the
 * analyzers the engine knows, template fragments. They run on the program
 * with the parts the schema refused left out (./loadProgram.ts), so that one
 * pass reports every problem; holes left by invalid entries are skipped.
 */
import { parseAllDocuments } from 'yaml';
import { closestNames } from '../schema/issues';
import type { EvidenceSource, MeshFlavour } from '../types';

/** Where the rules report problems; paths are YAML paths of the program. */
export interface ProgramProblemSink {
  /** Adds a problem at the node of `path`. */
  reportAt(path: string, message: string): void;
  /** The 1-based line of the node at `path`. */
  lineOf(path: string): number;
  /** Whether the document gives a value at `path` (valid or not). */
  has(path: string): boolean;
}

/** What validation needs to know about an analyzer of the engine. */
export interface AnalyzerDescriptor {
  id: string;
  evidence: EvidenceSource[];
  mesh: MeshFlavour[];
}

/**
 * The conventional phase ids, in order. Programs may rename or add phases,
 * but where they use these ids they must keep this order.
 */
export const CONVENTIONAL_PHASE_ORDER = [
  'pilot',
  'expand',
  'enforce',
  'sustain',
];

type Partial = Record<string, unknown> | undefined;

interface ProgramDraft {
  metadata?: Partial;
  spec?: {
    mesh?: string;
    phases?: Partial[];
    checks?: Partial[];
    checklist?: Partial[];
    playbooks?: Partial[];
    templates?: Partial[];
    waves?: Partial[];
  };
}

export function checkProgramReferences(
  draft: ProgramDraft,
  walker: ProgramProblemSink,
  analyzers: readonly AnalyzerDescriptor[],
): void {
  const spec = draft.spec;
  if (!spec) {
    return;
  }
  checkUniqueIds(walker, [['spec.phases', spec.phases]], 'phase');
  checkUniqueIds(
    walker,
    [
      ['spec.checks', spec.checks],
      ['spec.checklist', spec.checklist],
    ],
    'check or checklist item',
  );
  const playbookIds = checkUniqueIds(
    walker,
    [['spec.playbooks', spec.playbooks]],
    'playbook',
  );
  const templateIds = checkUniqueIds(
    walker,
    [['spec.templates', spec.templates]],
    'template',
  );
  checkUniqueIds(walker, [['spec.waves', spec.waves]], 'wave');

  checkPhaseOrder(walker, spec.phases);
  const phaseOrder = new Map(
    (spec.phases ?? [])
      .map(phase => phase?.id)
      .filter((phaseId): phaseId is string => typeof phaseId === 'string')
      .map((phaseId, index) => [phaseId, index]),
  );
  const phaseList = [...phaseOrder.keys()].join(', ');

  const checkReference = (
    path: string,
    value: unknown,
    known: Set<string>,
    what: string,
    collection: string,
  ) => {
    if (typeof value === 'string' && !known.has(value)) {
      walker.reportAt(
        path,
        `${what} "${value}" does not exist; define it in ${collection}${
          known.size
            ? ` (known: ${[...known].slice(0, 12).join(', ')}${
                known.size > 12 ? ', ...' : ''
              })`
            : ''
        }`,
      );
    }
  };
  const checkPhaseReference = (path: string, value: unknown) => {
    if (
      typeof value === 'string' &&
      phaseOrder.size &&
      !phaseOrder.has(value)
    ) {
      walker.reportAt(
        path,
        `phase "${value}" does not exist; the program's phases are ${phaseList}`,
      );
    }
  };

  const analyzerById = new Map(analyzers.map(a => [a.id, a]));
  (spec.checks ?? []).forEach((check, index) => {
    if (!check) {
      return;
    }
    const path = `spec.checks[${index}]`;
    checkPhaseReference(`${path}.phase`, check.phase);
    checkReference(
      `${path}.playbook`,
      check.playbook,
      playbookIds,
      'playbook',
      'spec.playbooks',
    );
    checkReference(
      `${path}.template`,
      check.template,
      templateIds,
      'template',
      'spec.templates',
    );
    checkAnalyzer(walker, path, check, spec.mesh, analyzerById);
  });
  (spec.checklist ?? []).forEach((item, index) => {
    if (!item) {
      return;
    }
    const path = `spec.checklist[${index}]`;
    checkPhaseReference(`${path}.phase`, item.phase);
    checkReference(
      `${path}.playbook`,
      item.playbook,
      playbookIds,
      'playbook',
      'spec.playbooks',
    );
    checkReference(
      `${path}.template`,
      item.template,
      templateIds,
      'template',
      'spec.templates',
    );
  });
  (spec.templates ?? []).forEach((template, index) => {
    if (template) {
      checkTemplate(walker, `spec.templates[${index}]`, template);
    }
  });
  (spec.waves ?? []).forEach((wave, index) => {
    if (!wave) {
      return;
    }
    const path = `spec.waves[${index}]`;
    checkPhaseReference(`${path}.targetPhase`, wave.targetPhase);
    const groups = wave.groups as unknown[] | undefined;
    const entities = wave.entities as unknown[] | undefined;
    // A list present in the YAML but without a value was already reported
    // as a wrong type; do not add an "empty cohort" problem on top.
    const unreadable = (list: unknown[] | undefined, field: string) =>
      list === undefined && walker.has(`${path}.${field}`);
    if (
      (groups?.length ?? 0) + (entities?.length ?? 0) === 0 &&
      !unreadable(groups, 'groups') &&
      !unreadable(entities, 'entities')
    ) {
      walker.reportAt(
        path,
        `wave "${String(
          wave.id,
        )}" names no groups or entities; list its cohort in groups or entities`,
      );
    }
  });
  checkWaveOrder(walker, spec.waves, phaseOrder);
}

/** Reports every repeated id; returns the set of ids seen. */
function checkUniqueIds(
  walker: ProgramProblemSink,
  collections: Array<[string, Partial[] | undefined]>,
  what: string,
): Set<string> {
  const first = new Map<string, string>();
  for (const [collectionPath, items] of collections) {
    (items ?? []).forEach((item, index) => {
      const itemId = item?.id;
      if (typeof itemId !== 'string') {
        return;
      }
      const path = `${collectionPath}[${index}].id`;
      const earlier = first.get(itemId);
      if (earlier !== undefined) {
        walker.reportAt(
          path,
          `duplicate ${what} id "${itemId}" (already used at ${earlier}, line ${walker.lineOf(
            earlier,
          )})`,
        );
        return;
      }
      first.set(itemId, path);
    });
  }
  return new Set(first.keys());
}

function checkPhaseOrder(
  walker: ProgramProblemSink,
  phases: Partial[] | undefined,
) {
  let lastRank = -1;
  let lastId = '';
  (phases ?? []).forEach((phase, index) => {
    const phaseId = phase?.id;
    if (typeof phaseId !== 'string') {
      return;
    }
    const rank = CONVENTIONAL_PHASE_ORDER.indexOf(phaseId);
    if (rank === -1) {
      return;
    }
    if (rank < lastRank) {
      walker.reportAt(
        `spec.phases[${index}].id`,
        `phase "${phaseId}" is listed after "${lastId}"; phases are listed in order and ${CONVENTIONAL_PHASE_ORDER.join(
          ' → ',
        )} must keep that order`,
      );
      return;
    }
    lastRank = rank;
    lastId = phaseId;
  });
}

function checkAnalyzer(
  walker: ProgramProblemSink,
  path: string,
  check: Record<string, unknown>,
  mesh: string | undefined,
  analyzerById: Map<string, AnalyzerDescriptor>,
) {
  const analyzerId = check.analyzer;
  if (typeof analyzerId !== 'string') {
    return;
  }
  const analyzer = analyzerById.get(analyzerId);
  if (!analyzer) {
    const similar = closestNames(analyzerId, [...analyzerById.keys()], 3);
    walker.reportAt(
      `${path}.analyzer`,
      `unknown analyzer "${analyzerId}"; the engine has no rule by that name${
        similar.length ? ` (closest: ${similar.join(', ')})` : ''
      }`,
    );
    return;
  }
  if (mesh && !analyzer.mesh.includes(mesh as MeshFlavour)) {
    walker.reportAt(
      `${path}.analyzer`,
      `analyzer "${analyzerId}" does not support ${mesh} (it supports ${analyzer.mesh.join(
        ', ',
      )})`,
    );
  }
  const declared = check.evidence;
  if (Array.isArray(declared) && declared.every(s => typeof s === 'string')) {
    const missing = analyzer.evidence.filter(
      source => !declared.includes(source),
    );
    if (missing.length) {
      walker.reportAt(
        `${path}.evidence`,
        `analyzer "${analyzerId}" reads ${missing.join(
          ' and ',
        )} evidence; add ${missing.join(
          ', ',
        )} to evidence so the scorecard tells what the verdict rests on`,
      );
    }
  }
}

function checkTemplate(
  walker: ProgramProblemSink,
  path: string,
  template: Record<string, unknown>,
) {
  const hasRef = walker.has(`${path}.templateRef`);
  const hasFragment = walker.has(`${path}.fragment`);
  // Both may be given: the fragment is then what the portal shows where the
  // Scaffolder template is not in the catalog (an app that has not
  // registered the templates).
  if (!hasRef && !hasFragment) {
    walker.reportAt(
      path,
      `template "${String(
        template.id,
      )}" needs a templateRef (template:default/name) or an inline fragment`,
    );
  }
  const fragment = template.fragment;
  if (typeof fragment === 'string') {
    const documents = parseAllDocuments(fragment, { prettyErrors: false });
    // A fragment of only comments parses to an empty stream without errors.
    const errors = Array.isArray(documents)
      ? documents.flatMap(document => document.errors)
      : [];
    if (errors.length) {
      const lineInFragment = fragment
        .slice(0, errors[0].pos[0])
        .split('\n').length;
      walker.reportAt(
        `${path}.fragment`,
        `the fragment is not valid YAML (line ${lineInFragment} of the fragment: ${errors[0].message})`,
      );
    }
  }
}

/**
 * Waves that share a group or an entity form one cohort's schedule: a later
 * phase cannot be due before an earlier one.
 */
function checkWaveOrder(
  walker: ProgramProblemSink,
  waves: Partial[] | undefined,
  phaseOrder: Map<string, number>,
) {
  const valid = (waves ?? [])
    .map((wave, index) => ({ wave, index }))
    .filter(
      ({ wave }) =>
        typeof wave?.targetPhase === 'string' &&
        phaseOrder.has(wave.targetPhase) &&
        typeof wave.dueDate === 'string',
    );
  for (const later of valid) {
    for (const earlier of valid) {
      const laterRank = phaseOrder.get(later.wave!.targetPhase as string)!;
      const earlierRank = phaseOrder.get(earlier.wave!.targetPhase as string)!;
      if (
        laterRank <= earlierRank ||
        (later.wave!.dueDate as string) >= (earlier.wave!.dueDate as string)
      ) {
        continue;
      }
      const shared = sharedMembers(later.wave!, earlier.wave!);
      if (shared.length) {
        walker.reportAt(
          `spec.waves[${later.index}].dueDate`,
          `wave "${String(later.wave!.id)}" is due at ${String(
            later.wave!.targetPhase,
          )} on ${String(later.wave!.dueDate)}, before wave "${String(
            earlier.wave!.id,
          )}" is due at the earlier phase ${String(
            earlier.wave!.targetPhase,
          )} on ${String(earlier.wave!.dueDate)} for ${shared
            .slice(0, 3)
            .join(', ')}; phases are reached in order`,
        );
        break;
      }
    }
  }
}

function sharedMembers(a: Record<string, unknown>, b: Record<string, unknown>) {
  const members = (wave: Record<string, unknown>) =>
    [
      ...((wave.groups as unknown[] | undefined) ?? []),
      ...((wave.entities as unknown[] | undefined) ?? []),
    ].filter((member): member is string => typeof member === 'string');
  const inB = new Set(members(b).map(member => member.toLowerCase()));
  return members(a).filter(member => inB.has(member.toLowerCase()));
}
