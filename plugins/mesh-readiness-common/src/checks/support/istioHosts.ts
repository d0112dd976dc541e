import type { ManifestObject, ManifestSet } from '../../manifests';
import { isPlainObject, stringMap } from '../../manifests';
import { defaultMeshConfig } from '../../istio';
import { IstioAnalysisContext } from '../../istio/context';
import {
  resolveDestinationHost,
  serviceHostMap,
  ServiceTarget,
  toFqdn,
} from '../../istio/hosts';
import { stringList } from '../../istio/resources';

/*
 * Host resolution the Istio way (shared with src/istio): which Service or
 * ServiceEntry a DestinationRule / VirtualService host names, honouring
 * exportTo. Cached per manifest set.
 */

const hostMaps = new WeakMap<ManifestSet, Map<string, ServiceTarget>>();

function hostMap(manifests: ManifestSet): Map<string, ServiceTarget> {
  let map = hostMaps.get(manifests);
  if (!map) {
    const context = new IstioAnalysisContext(
      manifests,
      { meshConfig: defaultMeshConfig(), workloadsAsPods: true },
      'mesh-readiness',
    );
    map = serviceHostMap(context);
    hostMaps.set(manifests, map);
  }
  return map;
}

/** The Service or ServiceEntry a host of `object` resolves to, if any. */
export function resolveHost(
  manifests: ManifestSet,
  object: ManifestObject,
  host: string,
): ServiceTarget | undefined {
  return resolveDestinationHost(
    object.namespace,
    stringList(object.body.spec?.exportTo),
    host,
    hostMap(manifests),
  );
}

/** `name.namespace.svc.cluster.local` of a host written in `namespace`. */
export function fqdn(namespace: string, host: string): string {
  return toFqdn(namespace, host);
}

/** Does a host written in `object`'s namespace name this Service? */
export function hostNamesService(
  manifests: ManifestSet,
  object: ManifestObject,
  host: string,
  service: ManifestObject,
): boolean {
  return resolveHost(manifests, object, host)?.resource === service;
}

/** Equality selector of a Service (`{}` when it has none). */
export function serviceSelector(
  service: ManifestObject,
): Record<string, string> {
  return isPlainObject(service.body.spec?.selector)
    ? stringMap(service.body.spec.selector)
    : {};
}
