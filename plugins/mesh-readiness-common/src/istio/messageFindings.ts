import { ManifestObject, ManifestSet } from '../manifests';
import { analyzeIstio } from './analyzeIstio';
import type { IstioMessage } from './types';
import { namespaceInAmbientMode } from './inMesh';
import type { Finding } from '../types';
import { objectFinding } from '../checks/support/findings';
import { ISTIO_INJECTION_LABEL, ISTIO_REVISION_LABEL } from './conventions';

/*
 * The checks that correspond to an `istioctl analyze` rule run our shared
 * implementation of that rule (src/istio) instead of a second copy. Results
 * are cached per manifest set, as several checks read the same analyzers.
 */

const cache = new WeakMap<ManifestSet, Map<string, IstioMessage[]>>();

/** Messages of the named upstream analyzers over the manifests. */
export function istioMessages(
  manifests: ManifestSet,
  analyzers: string[],
): IstioMessage[] {
  let perSet = cache.get(manifests);
  if (!perSet) {
    perSet = new Map();
    cache.set(manifests, perSet);
  }
  const key = analyzers.join(',');
  let messages = perSet.get(key);
  if (!messages) {
    messages = analyzeIstio(manifests, { analyzers });
    perSet.set(key, messages);
  }
  return messages;
}

/** An Istio message as a finding on its resource, at its line, with its code. */
export function istioFinding(
  message: IstioMessage,
  level: Finding['level'],
  remediation?: string,
): Finding {
  const finding = objectFinding(message.resource, level, message.message, {
    code: message.code,
    remediation,
  });
  finding.line = message.line;
  return finding;
}

const onboardedCache = new WeakMap<ManifestSet, ManifestSet>();

/**
 * The manifests as they will be once the service is onboarded: every
 * namespace holding workloads is labelled `istio-injection=enabled`.
 * Istio's analyzers only judge workloads already in the mesh; a readiness
 * check must judge them before injection is switched on. Workloads that
 * opt out themselves (`sidecar.istio.io/inject: "false"`) stay out.
 */
export function asOnboarded(manifests: ManifestSet): ManifestSet {
  const cached = onboardedCache.get(manifests);
  if (cached) return cached;
  const namespaces = new Map<string, ManifestObject>();
  for (const workload of manifests.workloads()) {
    const namespace = workload.object.namespace;
    // An ambient namespace is onboarded already, without sidecars: labelling
    // it for injection would judge its workloads as sidecars.
    const declaredLabels = manifests.namespaceObject(namespace)?.labels;
    if (declaredLabels && namespaceInAmbientMode(declaredLabels)) continue;
    // Objects without a namespace ('') get one too: they are applied
    // with `-n` into a namespace the manifests do not name.
    if (!namespaces.has(namespace)) {
      namespaces.set(namespace, workload.object);
    }
  }
  const objects: ManifestObject[] = manifests.objects.filter(
    object => !(object.kind === 'Namespace' && namespaces.has(object.name)),
  );
  for (const [name, anchor] of namespaces) {
    const declared = manifests.namespaceObject(name);
    const labels = { ...(declared?.labels ?? {}) };
    delete labels[ISTIO_REVISION_LABEL];
    labels[ISTIO_INJECTION_LABEL] = 'enabled';
    const place = declared ?? anchor;
    objects.push({
      apiVersion: 'v1',
      group: '',
      kind: 'Namespace',
      name,
      namespace: '',
      labels,
      annotations: declared?.annotations ?? {},
      body: {
        ...(declared?.body ?? { apiVersion: 'v1', kind: 'Namespace' }),
        metadata: { ...(declared?.body.metadata ?? {}), name, labels },
      },
      file: place.file,
      line: place.line,
      url: place.url,
      documentIndex: place.documentIndex,
      lineOf: path => (declared ? declared.lineOf(path) : place.line),
    });
  }
  const view = new ManifestSet(objects, [...manifests.problems]);
  onboardedCache.set(manifests, view);
  return view;
}
