import type { FieldPath, Workload } from '../../manifests';
import { isPlainObject } from '../../manifests';

/** A container of a workload's pod template, with where it is written. */
export interface PodContainer {
  name: string;
  /** The container as written in the manifest. */
  spec: Record<string, any>;
  /** Path from the workload object to this container. */
  path: FieldPath;
  /** `initContainers` entry (native sidecars included) rather than `containers`. */
  init: boolean;
  index: number;
}

/** Path from the workload object to a field of its pod spec. */
export function podSpecPath(
  workload: Workload,
  ...field: FieldPath
): FieldPath {
  return [...workload.templatePath, 'spec', ...field];
}

/** Path from the workload object to an annotation of its pod template. */
export function podAnnotationPath(workload: Workload, key: string): FieldPath {
  return [...workload.templatePath, 'metadata', 'annotations', key];
}

/** Path from the workload object to a label of its pod template. */
export function podLabelPath(workload: Workload, key: string): FieldPath {
  return [...workload.templatePath, 'metadata', 'labels', key];
}

/*
 * Many checks walk the same containers and ports of every workload. The
 * lists are built once per workload (and per container) and shared: they
 * are frozen, so a caller cannot change what the next check sees. Keys are
 * the workload and container objects of one manifest set, so the memo goes
 * away with the set.
 */
const containerLists = new WeakMap<
  Workload,
  { containers?: PodContainer[]; initContainers?: PodContainer[] }
>();

function listContainers(
  workload: Workload,
  field: 'containers' | 'initContainers',
): PodContainer[] {
  let lists = containerLists.get(workload);
  if (!lists) {
    lists = {};
    containerLists.set(workload, lists);
  }
  let result = lists[field];
  if (!result) {
    result = Object.freeze(
      buildContainerList(workload, field),
    ) as PodContainer[];
    lists[field] = result;
  }
  return result;
}

function buildContainerList(
  workload: Workload,
  field: 'containers' | 'initContainers',
): PodContainer[] {
  const list = workload.podSpec[field];
  if (!Array.isArray(list)) return [];
  const result: PodContainer[] = [];
  list.forEach((entry: unknown, index: number) => {
    if (!isPlainObject(entry)) return;
    result.push({
      name: typeof entry.name === 'string' ? entry.name : '',
      spec: entry,
      path: podSpecPath(workload, field, index),
      init: field === 'initContainers',
      index,
    });
  });
  return result;
}

/** The application containers (`spec.containers`). */
export function appContainers(workload: Workload): PodContainer[] {
  return listContainers(workload, 'containers');
}

/** The init containers (`spec.initContainers`). */
export function initContainers(workload: Workload): PodContainer[] {
  return listContainers(workload, 'initContainers');
}

export function allContainers(workload: Workload): PodContainer[] {
  return [...initContainers(workload), ...appContainers(workload)];
}

/** A declared container port with its place in the manifest. */
export interface ContainerPort {
  container: PodContainer;
  port: Record<string, any>;
  index: number;
  path: FieldPath;
  /** `containerPort` as a number (NaN when missing or not numeric). */
  number: number;
  /** `protocol`, upper-cased, `TCP` when absent. */
  protocol: string;
  name?: string;
}

const portLists = new WeakMap<PodContainer, ContainerPort[]>();

/** The container's declared ports (built once per container, frozen). */
export function containerPorts(container: PodContainer): ContainerPort[] {
  let ports = portLists.get(container);
  if (!ports) {
    ports = Object.freeze(buildPortList(container)) as ContainerPort[];
    portLists.set(container, ports);
  }
  return ports;
}

function buildPortList(container: PodContainer): ContainerPort[] {
  const ports = container.spec.ports;
  if (!Array.isArray(ports)) return [];
  const result: ContainerPort[] = [];
  ports.forEach((port: unknown, index: number) => {
    if (!isPlainObject(port)) return;
    result.push({
      container,
      port,
      index,
      path: [...container.path, 'ports', index],
      number: Number(port.containerPort),
      protocol:
        typeof port.protocol === 'string' ? port.protocol.toUpperCase() : 'TCP',
      name: typeof port.name === 'string' ? port.name : undefined,
    });
  });
  return result;
}

const workloadPortLists = new WeakMap<Workload, ContainerPort[]>();

/** Every port of the application containers (init containers excluded). */
export function workloadPorts(workload: Workload): ContainerPort[] {
  let ports = workloadPortLists.get(workload);
  if (!ports) {
    ports = Object.freeze(
      appContainers(workload).flatMap(container => containerPorts(container)),
    ) as ContainerPort[];
    workloadPortLists.set(workload, ports);
  }
  return ports;
}

/**
 * Kinds that run to completion. Several checks (probes, availability)
 * do not apply to them.
 */
export const BATCH_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob']);

/** Reads a boolean-ish annotation / label value the way Kubernetes tools do. */
export function isTrue(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'string' && value.toLowerCase() === 'true')
  );
}

export function isFalse(value: unknown): boolean {
  return (
    value === false ||
    (typeof value === 'string' && value.toLowerCase() === 'false')
  );
}
