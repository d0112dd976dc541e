/**
 * The objects the routing checks read (mesh.dr.resilience,
 * mesh.vs.timeouts, mesh.vs.valid).
 */
import type { ManifestObject, ManifestSet } from '../../manifests';
import { ISTIO_NETWORKING_GROUP } from '../../manifests';

export function virtualServices(manifests: ManifestSet): ManifestObject[] {
  return manifests.ofKind('VirtualService', ISTIO_NETWORKING_GROUP);
}

/** The entity's Services that clients call through the mesh. */
export function meshServices(manifests: ManifestSet): ManifestObject[] {
  return manifests
    .ofKind('Service', '')
    .filter(s => s.body.spec?.type !== 'ExternalName');
}
