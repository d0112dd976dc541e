import { resolveDataPlane } from '../dataplane';
import {
  isPlainObject,
  ManifestObject,
  ManifestSet,
  stringMap,
} from '../manifests';
import type { Workload } from '../manifests';
import { AMBIENT_REDIRECTION } from './inMesh';
import { ISTIO_ANALYSIS_KINDS, IstioAnalysisKind } from './kinds';
import { ISTIO_MESSAGE_TYPES, IstioMessageCode } from './messageCatalogue';
import type { IstioMessage, MeshConfig } from './types';

/**
 * A pod as the analyzers see it: a Pod object, or (when the manifests hold
 * workloads rather than running pods) a workload's pod template, reported
 * on the workload itself.
 */
export interface PodView {
  resource: ManifestObject;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, any>;
}

export interface IstioAnalysisContextOptions {
  meshConfig: MeshConfig;
  /**
   * Treat each workload's pod template as a pod. Manifests in a repository
   * rarely contain Pods; without this, analyzers that look for pods (does a
   * selector match anything?) would find none. `istioctl analyze` against a
   * cluster sees the real pods instead, so conformance runs turn this off.
   */
  workloadsAsPods: boolean;
}

/** What one analyzer run can read and where it reports. */
export class IstioAnalysisContext {
  readonly meshConfig: MeshConfig;
  readonly messages: IstioMessage[] = [];
  private podList?: PodView[];

  constructor(
    readonly set: ManifestSet,
    private readonly options: IstioAnalysisContextOptions,
    private readonly analyzerName: string,
  ) {
    this.meshConfig = options.meshConfig;
  }

  /** Objects of a kind in the group Istio reads it from, in file order. */
  ofKind(kind: IstioAnalysisKind): ManifestObject[] {
    return this.set.ofKind(kind, ISTIO_ANALYSIS_KINDS[kind]);
  }

  /** The Namespace object of that name, when the manifests declare it. */
  findNamespace(name: string): ManifestObject | undefined {
    return this.ofKind('Namespace').find(ns => ns.name === name);
  }

  /** Pods, and workload pod templates when `workloadsAsPods` is on. */
  pods(): PodView[] {
    if (!this.podList) {
      this.podList = this.set
        .workloads()
        .filter(
          workload =>
            (workload.object.kind === 'Pod' && workload.object.group === '') ||
            (this.options.workloadsAsPods && workload.object.kind !== 'Pod'),
        )
        .map(workload => ({
          resource: workload.object,
          namespace: workload.object.namespace,
          name: workload.object.name,
          labels:
            workload.object.kind === 'Pod'
              ? workload.object.labels
              : workload.podLabels,
          annotations: this.runtimeAnnotations(
            workload,
            workload.object.kind === 'Pod'
              ? workload.object.annotations
              : workload.podAnnotations,
          ),
          spec: workload.podSpec,
        }));
    }
    return this.podList;
  }

  /**
   * When pod templates stand for pods, an ambient workload's pod carries
   * what Istio's CNI writes on it at run time
   * (`ambient.istio.io/redirection: enabled`), so that analyzers count it
   * as meshed as they do on a cluster.
   */
  private runtimeAnnotations(
    workload: Workload,
    annotations: Record<string, string>,
  ): Record<string, string> {
    if (!this.options.workloadsAsPods) return annotations;
    const kind = resolveDataPlane(this.set, workload, 'istio').kind;
    return kind === 'ambient' || kind === 'ambient-waypoint'
      ? { ...annotations, [AMBIENT_REDIRECTION]: 'enabled' }
      : annotations;
  }

  report(
    code: IstioMessageCode,
    resource: ManifestObject,
    message: string,
    line: number = resource.line,
  ) {
    const type = ISTIO_MESSAGE_TYPES[code];
    this.messages.push({
      code,
      name: type.name,
      level: type.level,
      analyzer: this.analyzerName,
      resource,
      message,
      file: resource.file,
      line,
    });
  }
}

/** The pod template (or pod) labels of a Deployment-like object. */
export function templateLabels(object: ManifestObject): Record<string, string> {
  return stringMap(object.body.spec?.template?.metadata?.labels);
}

/** `spec.containers` (and init containers) as plain objects. */
export function containersOf(
  podSpec: Record<string, any>,
  includeInit = false,
): Array<Record<string, any>> {
  const list = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const init =
    includeInit && Array.isArray(podSpec.initContainers)
      ? podSpec.initContainers
      : [];
  return [...list, ...init].filter(isPlainObject);
}
