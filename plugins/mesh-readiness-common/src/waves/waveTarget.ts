import { NOT_STARTED_PHASE, type ProgramWave } from '../types';
import { tryNormalizeEntityRef } from '../engine/entityRef';

/**
 * A group's ancestors (its parent, the parent's parent, …) as canonical
 * group refs. The CLI builds it from the Group entities of the catalog files
 * it reads, the frontend from the catalog, the backend from its org model
 * ({@link groupAncestryOf} does it from Group entities).
 */
export type GroupAncestry = (groupRef: string) => readonly string[];

/** What wave membership is decided on. */
export interface WaveSubject {
  /** The service's entity ref (`component:default/name`, or short forms). */
  entityRef: string;
  /** Its owner (`spec.owner`): a group ref, the kind `group` by default. */
  ownerRef?: string;
  /** The owner's ancestors; without it only the owner itself counts. */
  ancestorsOf?: GroupAncestry;
}

/** A service's wave target and how far its phase is from it. */
export interface WaveTarget {
  wave: ProgramWave;
  targetPhase: string;
  dueDate: string;
  /** The phase is the target or beyond. */
  reached: boolean;
  /** Phases between the current phase and the target (0 when reached). */
  phasesToGo: number;
}

/**
 * What the wave rule reads of a program: its phase order and its waves (a
 * `Program`, or the program as the API serves it).
 */
export interface WaveProgram {
  spec: {
    phases: ReadonlyArray<{ id: string }>;
    waves: readonly ProgramWave[];
  };
}

const ordered = (program: WaveProgram) => program.spec.phases.map(p => p.id);

/** Position of a phase in the program's order; `not-started` (and unknown) is -1. */
function rank(program: WaveProgram, phase: string): number {
  return phase === NOT_STARTED_PHASE ? -1 : ordered(program).indexOf(phase);
}

/** Whether `phase` is `target` or beyond, in the program's phase order. */
export function phaseReached(
  program: WaveProgram,
  phase: string,
  target: string,
): boolean {
  const want = rank(program, target);
  return want >= 0 && rank(program, phase) >= want;
}

/**
 * Membership, decided once for a subject: the predicate for one wave.
 * A service belongs to a wave that lists it by entity ref (kind `component`
 * by default), or lists its owning group or any ancestor of that group
 * (kind `group` by default) — so a wave naming a group includes the
 * services of its child groups. Refs compare in the catalog's canonical
 * form (`@backstage/catalog-model`); a ref that does not parse matches
 * nothing.
 */
export function waveMembership(
  subject: WaveSubject,
): (wave: ProgramWave) => boolean {
  const entityRef = tryNormalizeEntityRef(subject.entityRef, 'component');
  const owner = tryNormalizeEntityRef(subject.ownerRef, 'group');
  const groups = new Set<string>();
  if (owner !== undefined) {
    groups.add(owner);
    for (const ancestor of subject.ancestorsOf?.(owner) ?? []) {
      const ref = tryNormalizeEntityRef(ancestor, 'group');
      if (ref !== undefined) groups.add(ref);
    }
  }
  return wave =>
    (entityRef !== undefined &&
      (wave.entities ?? []).some(
        member => tryNormalizeEntityRef(member, 'component') === entityRef,
      )) ||
    (wave.groups ?? []).some(member => {
      const ref = tryNormalizeEntityRef(member, 'group');
      return ref !== undefined && groups.has(ref);
    });
}

/** Whether the subject belongs to the wave (see {@link waveMembership}). */
export function isInWave(wave: ProgramWave, subject: WaveSubject): boolean {
  return waveMembership(subject)(wave);
}

/**
 * The program's waves the subject belongs to, by due date (then by target
 * phase, then id, so equal dates have one order everywhere).
 */
export function wavesOf(
  program: WaveProgram,
  subject: WaveSubject,
): ProgramWave[] {
  const member = waveMembership(subject);
  return program.spec.waves
    .filter(member)
    .sort(
      (a, b) =>
        a.dueDate.localeCompare(b.dueDate) ||
        rank(program, a.targetPhase) - rank(program, b.targetPhase) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The wave target of a service — the one rule the CLI, the frontend and the
 * backend use.
 *
 * Wave: a cohort (groups or entities) with a target phase and a due date.
 * A service belongs to a wave that lists it by entity ref, or lists its
 * owning group or any ancestor of that group (child groups included).
 * Its target is the wave, by due date, whose target phase it has not
 * reached yet (an overdue wave is still owed); once it has reached every
 * wave's target, the last wave's. Undefined when it is in no wave.
 */
export function waveTargetOf(
  program: WaveProgram,
  subject: WaveSubject & { phase: string },
): WaveTarget | undefined {
  const waves = wavesOf(program, subject);
  if (waves.length === 0) return undefined;
  const current = rank(program, subject.phase);
  const targets = waves.map((wave): WaveTarget => {
    const target = rank(program, wave.targetPhase);
    return {
      wave,
      targetPhase: wave.targetPhase,
      dueDate: wave.dueDate,
      reached: target >= 0 && current >= target,
      phasesToGo: Math.max(0, target - current),
    };
  });
  return targets.find(t => !t.reached) ?? targets[targets.length - 1];
}

/** The parts of a Group entity its place in the hierarchy is read from. */
export interface GroupHierarchyEntity {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { parent?: unknown; children?: unknown } & Record<string, unknown>;
  relations?: ReadonlyArray<{ type: string; targetRef: string }>;
}

/**
 * A {@link GroupAncestry} from Group entities: a group's parent is its
 * `spec.parent`, a `childOf` relation, or a group naming it in
 * `spec.children` / a `parentOf` relation. Other kinds are ignored; cycles
 * end where they close.
 */
export function groupAncestryOf(
  groups: Iterable<GroupHierarchyEntity>,
): GroupAncestry {
  const parents = new Map<string, Set<string>>();
  const link = (child: string | undefined, parent: string | undefined) => {
    if (child === undefined || parent === undefined || child === parent) {
      return;
    }
    const set = parents.get(child) ?? new Set<string>();
    set.add(parent);
    parents.set(child, set);
  };
  for (const group of groups) {
    if (group.kind.toLocaleLowerCase('en-US') !== 'group') continue;
    const namespace = group.metadata.namespace ?? 'default';
    const self = tryNormalizeEntityRef(
      `group:${namespace}/${group.metadata.name}`,
      'group',
    );
    const refIn = (value: unknown) =>
      typeof value === 'string'
        ? tryNormalizeEntityRef(value, 'group', namespace)
        : undefined;
    link(self, refIn(group.spec?.parent));
    const children = group.spec?.children;
    if (Array.isArray(children)) {
      for (const child of children) link(refIn(child), self);
    }
    for (const relation of group.relations ?? []) {
      if (relation.type === 'childOf') link(self, refIn(relation.targetRef));
      if (relation.type === 'parentOf') link(refIn(relation.targetRef), self);
    }
  }
  return groupRef => {
    const start = tryNormalizeEntityRef(groupRef, 'group');
    if (start === undefined) return [];
    const seen = new Set<string>([start]);
    const queue = [start];
    const ancestors: string[] = [];
    while (queue.length > 0) {
      for (const parent of parents.get(queue.shift()!) ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          ancestors.push(parent);
          queue.push(parent);
        }
      }
    }
    return ancestors;
  };
}
