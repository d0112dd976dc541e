/**
 * Port lists as Linkerd annotations write them (`config.linkerd.io/opaque-ports`,
 * `skip-inbound-ports`): comma-separated numbers, ranges (`8000-8100`) and,
 * for opaque ports, container port names.
 */
export interface PortList {
  numbers: Set<number>;
  ranges: Array<[number, number]>;
  names: Set<string>;
}

export function parsePortList(value: string | undefined): PortList {
  const list: PortList = { numbers: new Set(), ranges: [], names: new Set() };
  for (const raw of (value ?? '').split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      list.ranges.push([Number(range[1]), Number(range[2])]);
    } else if (/^\d+$/.test(item)) {
      list.numbers.add(Number(item));
    } else {
      list.names.add(item);
    }
  }
  return list;
}

export function portListIncludes(
  list: PortList,
  port: number,
  name?: string,
): boolean {
  return (
    list.numbers.has(port) ||
    list.ranges.some(([low, high]) => port >= low && port <= high) ||
    (name !== undefined && list.names.has(name))
  );
}
