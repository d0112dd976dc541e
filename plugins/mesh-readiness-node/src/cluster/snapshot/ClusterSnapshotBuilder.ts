/**
 * Builds a {@link ClusterSnapshot} from listed objects, page by page: each
 * page is compacted as it arrives and then dropped, so memory holds only
 * the kept fields. The live collector and the kubectl-dump reader share it,
 * so both produce the same snapshot from the same objects.
 */
import {
  type ClusterSnapshot,
  type SnapshotKind,
  type SnapshotPod,
  type SnapshotWorkload,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  compactGateway,
  compactIstioAuthorizationPolicy,
  compactIstioSidecar,
  compactLinkerdAuthorizationPolicy,
  compactLinkerdServer,
  compactMeshTlsAuthentication,
  compactNamespace,
  compactPeerAuthentication,
  compactPod,
  compactRoute,
  compactService,
  compactWorkload,
} from './compactObjects';
import {
  cniOf,
  istiodRevisionOf,
  linkerdControlPlaneVersionOf,
  type IstioRevision,
} from './controlPlanes';

/**
 * Objects of a kind the builder could not use (no name, wrong shape).
 *
 * @public
 */
export type SkippedCounts = Partial<Record<SnapshotKind, number>>;

/**
 * Compacts listed objects into a {@link @mesh-readiness/plugin-mesh-readiness-common#ClusterSnapshot},
 * page by page.
 *
 * @public
 */
export class ClusterSnapshotBuilder {
  readonly #cluster: string;
  readonly #observedAt: string;
  readonly #kinds: ClusterSnapshot['kinds'] = {};
  readonly #skipped: SkippedCounts = {};
  #namespaces: ClusterSnapshot['namespaces'] = [];
  #workloads: SnapshotWorkload[] = [];
  #pods: SnapshotPod[] = [];
  #services: ClusterSnapshot['services'] = [];
  #peerAuthentications: ClusterSnapshot['istio']['peerAuthentications'] = [];
  #istioAuthorizationPolicies: ClusterSnapshot['istio']['authorizationPolicies'] =
    [];
  #sidecars: ClusterSnapshot['istio']['sidecars'] = [];
  #gateways: ClusterSnapshot['gateways'] = [];
  #httpRoutes: ClusterSnapshot['routes'] = [];
  #grpcRoutes: ClusterSnapshot['routes'] = [];
  #servers: ClusterSnapshot['linkerd']['servers'] = [];
  #linkerdAuthorizationPolicies: ClusterSnapshot['linkerd']['authorizationPolicies'] =
    [];
  #meshTlsAuthentications: ClusterSnapshot['linkerd']['meshTlsAuthentications'] =
    [];
  #istioRevisions = new Map<string, IstioRevision>();
  #linkerdVersion: string | undefined;
  #cni = { istio: false, linkerd: false };

  /**
   * @param options - `cluster`: the name the portal knows the cluster by;
   *   `observedAt`: when the lists were taken (ISO 8601).
   */
  constructor(options: { cluster: string; observedAt: string }) {
    this.#cluster = options.cluster;
    this.#observedAt = options.observedAt;
  }

  /** Objects skipped per kind because they had no usable name or shape. */
  get skipped(): SkippedCounts {
    return { ...this.#skipped };
  }

  /** Records that the kind's CRD is not installed in the cluster. */
  markNotInstalled(kind: SnapshotKind): void {
    this.#kinds[kind] = 'not-installed';
    this.restart(kind);
  }

  /**
   * Drops what was kept of a kind, for a list that starts over (410 Gone on
   * its continue token).
   */
  restart(kind: SnapshotKind): void {
    this.#skipped[kind] = 0;
    switch (kind) {
      case 'namespaces':
        this.#namespaces = [];
        break;
      case 'pods':
        this.#pods = [];
        break;
      case 'services':
        this.#services = [];
        break;
      case 'deployments.apps':
        this.#workloads = this.#workloads.filter(w => w.kind !== 'Deployment');
        this.#istioRevisions.clear();
        this.#linkerdVersion = undefined;
        break;
      case 'statefulsets.apps':
        this.#workloads = this.#workloads.filter(w => w.kind !== 'StatefulSet');
        break;
      case 'daemonsets.apps':
        this.#workloads = this.#workloads.filter(w => w.kind !== 'DaemonSet');
        this.#cni = { istio: false, linkerd: false };
        break;
      case 'peerauthentications.security.istio.io':
        this.#peerAuthentications = [];
        break;
      case 'authorizationpolicies.security.istio.io':
        this.#istioAuthorizationPolicies = [];
        break;
      case 'sidecars.networking.istio.io':
        this.#sidecars = [];
        break;
      case 'gateways.gateway.networking.k8s.io':
        this.#gateways = [];
        break;
      case 'httproutes.gateway.networking.k8s.io':
        this.#httpRoutes = [];
        break;
      case 'grpcroutes.gateway.networking.k8s.io':
        this.#grpcRoutes = [];
        break;
      case 'servers.policy.linkerd.io':
        this.#servers = [];
        break;
      case 'authorizationpolicies.policy.linkerd.io':
        this.#linkerdAuthorizationPolicies = [];
        break;
      case 'meshtlsauthentications.policy.linkerd.io':
        this.#meshTlsAuthentications = [];
        break;
      default:
        break;
    }
  }

  /** Compacts one page (or a whole list) of a kind's objects. */
  addItems(kind: SnapshotKind, items: readonly unknown[]): void {
    this.#kinds[kind] = 'listed';
    for (const item of items) {
      if (!this.#add(kind, item)) {
        this.#skipped[kind] = (this.#skipped[kind] ?? 0) + 1;
      }
    }
  }

  #push<T>(target: T[], value: T | undefined): boolean {
    if (value === undefined) return false;
    target.push(value);
    return true;
  }

  #add(kind: SnapshotKind, item: unknown): boolean {
    switch (kind) {
      case 'namespaces':
        return this.#push(this.#namespaces, compactNamespace(item));
      case 'pods':
        return this.#push(this.#pods, compactPod(item));
      case 'services':
        return this.#push(this.#services, compactService(item));
      case 'deployments.apps': {
        const revision = istiodRevisionOf(item);
        if (revision) this.#istioRevisions.set(revision.revision, revision);
        this.#linkerdVersion ??= linkerdControlPlaneVersionOf(item);
        return this.#push(this.#workloads, compactWorkload('Deployment', item));
      }
      case 'statefulsets.apps':
        return this.#push(
          this.#workloads,
          compactWorkload('StatefulSet', item),
        );
      case 'daemonsets.apps': {
        const cni = cniOf(item);
        if (cni) this.#cni[cni] = true;
        return this.#push(this.#workloads, compactWorkload('DaemonSet', item));
      }
      case 'peerauthentications.security.istio.io':
        return this.#push(
          this.#peerAuthentications,
          compactPeerAuthentication(item),
        );
      case 'authorizationpolicies.security.istio.io':
        return this.#push(
          this.#istioAuthorizationPolicies,
          compactIstioAuthorizationPolicy(item),
        );
      case 'sidecars.networking.istio.io':
        return this.#push(this.#sidecars, compactIstioSidecar(item));
      case 'gateways.gateway.networking.k8s.io':
        return this.#push(this.#gateways, compactGateway(item));
      case 'httproutes.gateway.networking.k8s.io':
        return this.#push(this.#httpRoutes, compactRoute('HTTPRoute', item));
      case 'grpcroutes.gateway.networking.k8s.io':
        return this.#push(this.#grpcRoutes, compactRoute('GRPCRoute', item));
      case 'servers.policy.linkerd.io':
        return this.#push(this.#servers, compactLinkerdServer(item));
      case 'authorizationpolicies.policy.linkerd.io':
        return this.#push(
          this.#linkerdAuthorizationPolicies,
          compactLinkerdAuthorizationPolicy(item),
        );
      case 'meshtlsauthentications.policy.linkerd.io':
        return this.#push(
          this.#meshTlsAuthentications,
          compactMeshTlsAuthentication(item),
        );
      default:
        return false;
    }
  }

  /**
   * A pod's owner as compaction derived it names a Deployment from the
   * ReplicaSet's name; where no such Deployment was listed (a bare
   * ReplicaSet), the owner stays the ReplicaSet.
   */
  #resolveOwners(): SnapshotPod[] {
    if (this.#kinds['deployments.apps'] !== 'listed') return this.#pods;
    const deployments = new Set(
      this.#workloads
        .filter(w => w.kind === 'Deployment')
        .map(w => `${w.namespace}/${w.name}`),
    );
    for (const pod of this.#pods) {
      if (
        pod.owner?.kind === 'Deployment' &&
        !deployments.has(`${pod.namespace}/${pod.owner.name}`)
      ) {
        const hash = pod.labels['pod-template-hash'];
        pod.owner = { kind: 'ReplicaSet', name: `${pod.owner.name}-${hash}` };
      }
    }
    return this.#pods;
  }

  #istioControlPlane(): ClusterSnapshot['istio']['controlPlane'] {
    if (this.#istioRevisions.size === 0) return undefined;
    const revisions = [...this.#istioRevisions.values()].sort((a, b) =>
      a.revision.localeCompare(b.revision),
    );
    const defaultRevision =
      this.#istioRevisions.get('default') ??
      (revisions.length === 1 ? revisions[0] : undefined);
    return {
      ...(defaultRevision?.version ? { version: defaultRevision.version } : {}),
      revisions: revisions.slice(0, 64),
    };
  }

  /** The snapshot of everything added so far. */
  build(): ClusterSnapshot {
    const istioControlPlane = this.#istioControlPlane();
    const daemonSetsListed = this.#kinds['daemonsets.apps'] === 'listed';
    return {
      cluster: this.#cluster,
      observedAt: this.#observedAt,
      kinds: { ...this.#kinds },
      namespaces: this.#namespaces,
      workloads: this.#workloads,
      pods: this.#resolveOwners(),
      services: this.#services,
      istio: {
        peerAuthentications: this.#peerAuthentications,
        authorizationPolicies: this.#istioAuthorizationPolicies,
        sidecars: this.#sidecars,
        ...(daemonSetsListed ? { cni: this.#cni.istio } : {}),
        ...(istioControlPlane ? { controlPlane: istioControlPlane } : {}),
      },
      gateways: this.#gateways,
      routes: [...this.#httpRoutes, ...this.#grpcRoutes],
      linkerd: {
        servers: this.#servers,
        authorizationPolicies: this.#linkerdAuthorizationPolicies,
        meshTlsAuthentications: this.#meshTlsAuthentications,
        ...(daemonSetsListed ? { cni: this.#cni.linkerd } : {}),
        ...(this.#linkerdVersion
          ? { controlPlane: { version: this.#linkerdVersion } }
          : {}),
      },
    };
  }
}
