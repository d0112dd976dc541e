import type { SourceProblem } from '../types';
import { WORKLOAD_POD_TEMPLATE_PATHS } from './kinds';
import type { FieldPath, ManifestObject } from './ManifestObject';
import { isPlainObject, stringMap } from './isPlainObject';
import {
  LabelSelector,
  matchesEqualitySelector,
  matchesLabelSelector,
} from './selectors';

/** A workload and the pod template it runs. */
export interface Workload {
  object: ManifestObject;
  /** Path of the pod template inside the object (`[]` for a Pod). */
  templatePath: FieldPath;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  /** The pod spec (`{}` when the manifest has none). */
  podSpec: Record<string, any>;
  /** `spec.replicas` where the kind has it; undefined means the default. */
  replicas?: number;
}

/**
 * The parsed manifests of one entity, with the relationships the checks
 * need: which Services select which workloads, and which policies apply to
 * which workloads. Unknown kinds are kept (and ignored by the checks).
 */
export class ManifestSet {
  readonly objects: ReadonlyArray<ManifestObject>;
  readonly problems: ReadonlyArray<SourceProblem>;
  private readonly byKindIndex = new Map<string, ManifestObject[]>();
  private workloadList?: Workload[];
  /** The set this one is a view of (see `withWorkloads`), else itself. */
  readonly origin: ManifestSet;

  constructor(
    objects: ManifestObject[],
    problems: SourceProblem[],
    origin?: ManifestSet,
  ) {
    this.objects = objects;
    this.problems = problems;
    this.origin = origin ?? this;
    for (const object of objects) {
      const list = this.byKindIndex.get(object.kind);
      if (list) list.push(object);
      else this.byKindIndex.set(object.kind, [object]);
    }
  }

  /**
   * Objects of a kind, optionally restricted to an API group (Istio and
   * Linkerd both have an `AuthorizationPolicy`).
   */
  ofKind(kind: string, group?: string): ManifestObject[] {
    const list = this.byKindIndex.get(kind) ?? [];
    return group === undefined ? list : list.filter(o => o.group === group);
  }

  /** The namespaces the objects live in, sorted. */
  namespaces(): string[] {
    const names = new Set<string>();
    for (const object of this.objects) {
      if (object.kind === 'Namespace') names.add(object.name);
      else if (object.namespace) names.add(object.namespace);
    }
    return [...names].sort();
  }

  /** Every workload kind with its pod template, in file order. */
  workloads(): Workload[] {
    if (!this.workloadList) {
      this.workloadList = [];
      for (const object of this.objects) {
        const path = WORKLOAD_POD_TEMPLATE_PATHS[object.kind];
        if (path === undefined) continue;
        let template: unknown = object.body;
        for (const key of path) {
          template = isPlainObject(template) ? template[key] : undefined;
        }
        const tpl = isPlainObject(template) ? template : {};
        const metadata = isPlainObject(tpl.metadata) ? tpl.metadata : {};
        const spec = isPlainObject(object.body.spec) ? object.body.spec : {};
        this.workloadList.push({
          object,
          templatePath: path,
          podLabels: stringMap(metadata.labels),
          podAnnotations: stringMap(metadata.annotations),
          podSpec: isPlainObject(tpl.spec) ? tpl.spec : {},
          replicas:
            object.kind !== 'Pod' && typeof spec.replicas === 'number'
              ? spec.replicas
              : undefined,
        });
      }
    }
    return this.workloadList;
  }

  /**
   * The same objects, with only the given workloads of this set: what a
   * check sees when it applies to some of the workloads' data planes only.
   */
  withWorkloads(workloads: Workload[]): ManifestSet {
    const view = new ManifestSet(
      this.objects as ManifestObject[],
      this.problems as SourceProblem[],
      this.origin,
    );
    view.workloadList = workloads;
    return view;
  }

  /** Services in the workload's namespace whose selector matches its pods. */
  servicesForWorkload(workload: Workload): ManifestObject[] {
    return this.ofKind('Service').filter(service => {
      const selector = service.body.spec?.selector;
      return (
        service.namespace === workload.object.namespace &&
        isPlainObject(selector) &&
        Object.keys(selector).length > 0 &&
        matchesEqualitySelector(selector, workload.podLabels)
      );
    });
  }

  /** Workloads in the Service's namespace whose pods it selects. */
  workloadsForService(service: ManifestObject): Workload[] {
    const selector = service.body.spec?.selector;
    if (!isPlainObject(selector) || Object.keys(selector).length === 0) {
      return [];
    }
    return this.workloads().filter(
      workload =>
        workload.object.namespace === service.namespace &&
        matchesEqualitySelector(selector, workload.podLabels),
    );
  }

  /**
   * Workloads a namespaced policy applies to: those in the policy's
   * namespace matched by `labels` (Istio `selector.matchLabels`,
   * `workloadSelector.labels`), or all of them when the policy has no
   * selector. A policy in `rootNamespace` without a selector applies
   * mesh-wide.
   */
  workloadsForIstioPolicy(
    policy: ManifestObject,
    labels: Record<string, string> | undefined,
    rootNamespace = 'istio-system',
  ): Workload[] {
    const meshWide = policy.namespace === rootNamespace && !labels;
    return this.workloads().filter(
      workload =>
        (meshWide || workload.object.namespace === policy.namespace) &&
        (!labels || matchesEqualitySelector(labels, workload.podLabels)),
    );
  }

  /** Workloads matched by a set-based selector in a namespace (Linkerd Server `podSelector`). */
  workloadsMatching(namespace: string, selector: LabelSelector): Workload[] {
    return this.workloads().filter(
      workload =>
        workload.object.namespace === namespace &&
        matchesLabelSelector(selector, workload.podLabels),
    );
  }

  /** The Namespace object of that name, if the manifests declare it. */
  namespaceObject(name: string): ManifestObject | undefined {
    return this.ofKind('Namespace').find(ns => ns.name === name);
  }
}
