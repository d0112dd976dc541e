/**
 * The order of a scheduled evaluation run: callers before the services they
 * call, so that the callers' phases a service's facts hold (see
 * `CallerPhasesProvider`) are the ones this run computed, and one run
 * converges instead of one run per link of a chain of callers.
 */
export interface EvaluationOrder {
  /**
   * Entity refs in levels: no entity has a caller in its own level or a later
   * one (after the cycles are broken), so a level can be collected and
   * evaluated at once once the levels before it are done. Each level is
   * sorted by ref.
   */
  levels: string[][];
  /** Groups of entities that call each other in a cycle, sorted. */
  cycles: string[][];
}

function compareRefs(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Strongly connected components (Tarjan, iterative so that a long chain does
 * not overflow the stack): component number of every ref.
 */
function components(
  refs: string[],
  callersOf: Map<string, string[]>,
): Map<string, number> {
  const indexOf = new Map<string, number>();
  const lowOf = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let nextIndex = 0;
  let nextComponent = 0;
  const open = (ref: string) => {
    indexOf.set(ref, nextIndex);
    lowOf.set(ref, nextIndex);
    nextIndex += 1;
    stack.push(ref);
    onStack.add(ref);
  };
  for (const root of refs) {
    if (indexOf.has(root)) continue;
    open(root);
    const work: Array<{ ref: string; next: number }> = [{ ref: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const adjacent = callersOf.get(frame.ref)!;
      if (frame.next < adjacent.length) {
        const other = adjacent[frame.next++];
        if (!indexOf.has(other)) {
          open(other);
          work.push({ ref: other, next: 0 });
        } else if (onStack.has(other)) {
          lowOf.set(
            frame.ref,
            Math.min(lowOf.get(frame.ref)!, indexOf.get(other)!),
          );
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].ref;
        lowOf.set(parent, Math.min(lowOf.get(parent)!, lowOf.get(frame.ref)!));
      }
      if (lowOf.get(frame.ref) === indexOf.get(frame.ref)) {
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.set(member, nextComponent);
        } while (member !== frame.ref);
        nextComponent += 1;
      }
    }
  }
  return component;
}

/**
 * Orders the entities of a run so that every entity comes after its callers
 * (topological order over the "is called by" relation).
 *
 * Cycles (services that call each other) are broken deterministically: inside
 * a cycle the members are taken in ref order, and a member's callers that
 * come later in that order are not waited for. So a cycle's member sees the
 * phases of the members before it from this same run, and the stored phases
 * (those of the previous run) of the members after it; a change that goes
 * round a cycle needs the next run to reach the members before it.
 *
 * @param callersOf - for every entity of the run, the refs of its callers;
 *   callers that are not entities of the run are ignored (their stored phase
 *   is all there is).
 */
export function evaluationOrder(
  callersOf: ReadonlyMap<string, Iterable<string>>,
): EvaluationOrder {
  const refs = [...callersOf.keys()].sort(compareRefs);
  const callers = new Map<string, string[]>();
  for (const ref of refs) {
    callers.set(
      ref,
      [...new Set(callersOf.get(ref)!)]
        .filter(caller => callersOf.has(caller))
        .sort(compareRefs),
    );
  }
  const component = components(refs, callers);

  // The edges kept: caller → callee, except inside a cycle from a later to
  // an earlier member in ref order (and a service calling itself).
  const waitingFor = new Map<string, number>();
  const calleesOf = new Map<string, string[]>(refs.map(ref => [ref, []]));
  const members = new Map<number, string[]>();
  for (const ref of refs) {
    const id = component.get(ref)!;
    const group = members.get(id);
    if (group) group.push(ref);
    else members.set(id, [ref]);
    let count = 0;
    for (const caller of callers.get(ref)!) {
      const sameCycle = component.get(caller) === id;
      if (sameCycle && compareRefs(caller, ref) >= 0) continue;
      calleesOf.get(caller)!.push(ref);
      count += 1;
    }
    waitingFor.set(ref, count);
  }

  const levels: string[][] = [];
  let level = refs.filter(ref => waitingFor.get(ref) === 0);
  while (level.length > 0) {
    levels.push(level);
    const next: string[] = [];
    for (const ref of level) {
      for (const callee of calleesOf.get(ref)!) {
        const left = waitingFor.get(callee)! - 1;
        waitingFor.set(callee, left);
        if (left === 0) next.push(callee);
      }
    }
    level = next.sort(compareRefs);
  }
  const cycles = [...members.values()]
    .filter(group => group.length > 1)
    .sort((a, b) => compareRefs(a[0], b[0]));
  return { levels, cycles };
}
