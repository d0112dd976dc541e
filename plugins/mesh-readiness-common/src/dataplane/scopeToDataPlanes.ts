import type { ManifestSet, Workload } from '../manifests';
import { friendlyName, toResourceRef } from '../manifests';
import type { Finding, MeshFlavour } from '../types';
import {
  DATA_PLANE_KINDS,
  DataPlaneKind,
  describeDataPlanes,
  resolveDataPlane,
} from './resolveDataPlane';

/** The workloads a check may judge, given the data planes it applies to. */
export interface DataPlaneScope {
  /** The manifests with only the applicable workloads. */
  manifests: ManifestSet;
  /** One `info` finding per workload left out, with its data plane and why. */
  leftOut: Finding[];
  /** Set when the set has workloads and none is on an applicable data plane. */
  notApplicable?: string;
}

/**
 * Restricts a check to the workloads on the data planes it applies to
 * (DESIGN §3): the engine runs the analyzer on the rest only, and says for
 * each workload left out which data plane it is on and why.
 */
export function scopeToDataPlanes(
  manifests: ManifestSet,
  dataPlanes: ReadonlyArray<DataPlaneKind>,
  mesh: MeshFlavour,
): DataPlaneScope {
  // An analyzer registered from plain JavaScript may not declare its data
  // planes; it then judges every workload, as before data planes existed.
  if (
    !Array.isArray(dataPlanes) ||
    DATA_PLANE_KINDS.every(kind => dataPlanes.includes(kind))
  ) {
    return { manifests, leftOut: [] };
  }
  const all = manifests.workloads();
  const applicable: Workload[] = [];
  const leftOut: Finding[] = [];
  for (const workload of all) {
    const plane = resolveDataPlane(manifests, workload, mesh);
    if (dataPlanes.includes(plane.kind)) {
      applicable.push(workload);
      continue;
    }
    const object = workload.object;
    leftOut.push({
      level: 'info',
      message: `${friendlyName(object)}: not applicable on ${describeDataPlanes(
        [plane.kind],
      )} (${plane.reason}); the check applies to ${describeDataPlanes(
        dataPlanes,
      )}`,
      resource: toResourceRef(object),
      file: object.file,
      line: object.line,
      ...(object.url ? { url: object.url } : {}),
    });
  }
  if (leftOut.length === 0) return { manifests, leftOut };
  if (applicable.length === 0) {
    return {
      manifests: manifests.withWorkloads([]),
      leftOut,
      notApplicable: `applies to ${describeDataPlanes(
        dataPlanes,
      )}; no workload of this entity runs on one`,
    };
  }
  return { manifests: manifests.withWorkloads(applicable), leftOut };
}
