/**
 * Service ports with their place in the manifest, as the Service checks
 * read and name them (k8s.svc.protocol, k8s.svc.server-first, k8s.svc.target).
 */
import type { ManifestObject } from '../../manifests';
import { isPlainObject } from '../../manifests';

/** A Service port with its place in the manifest. */
export interface ServicePort {
  service: ManifestObject;
  port: Record<string, any>;
  index: number;
  number: number;
  name: string;
}

export function servicePorts(service: ManifestObject): ServicePort[] {
  const ports = service.body.spec?.ports;
  if (!Array.isArray(ports)) return [];
  const result: ServicePort[] = [];
  ports.forEach((port: unknown, index: number) => {
    if (!isPlainObject(port)) return;
    result.push({
      service,
      port,
      index,
      number: Number(port.port),
      name: typeof port.name === 'string' ? port.name : '',
    });
  });
  return result;
}

export function portLabel(port: ServicePort): string {
  return `Service ${port.service.name} port ${
    port.name ? `"${port.name}" ` : ''
  }${port.number}`;
}
