import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * The catalog entity ref of a Scaffolder template ref (`x`, `default/x` or
 * `template:default/x` → `template:default/x`), read by common's entity-ref
 * rule; undefined for refs of another kind or that are not entity refs.
 */
export function templateEntityRef(
  templateRef: string | undefined,
): string | undefined {
  const ref = tryNormalizeEntityRef(templateRef, 'template');
  return ref?.startsWith('template:') ? ref : undefined;
}

/**
 * The portal path of a Scaffolder template ref: `template:default/x` (or
 * `default/x`, or `x`) → `/create/templates/default/x`. Undefined for refs
 * of another kind.
 */
export function templatePath(
  templateRef: string | undefined,
): string | undefined {
  const ref = templateEntityRef(templateRef);
  if (!ref) {
    return undefined;
  }
  const { namespace, name } = parseEntityRef(ref);
  return `/create/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
}

/** A finding of a check, as the API serves it. */
export interface TemplatePrefillFinding {
  level: string;
  message: string;
  resource?: { kind: string; name: string; namespace?: string };
}

/** What a template link can be prefilled from: the entity and its check. */
export interface TemplatePrefillSource {
  entityRef?: string;
  findings?: readonly TemplatePrefillFinding[];
}

/** Kinds whose name is the workload (`app` label) the templates ask for. */
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Rollout',
  'Job',
  'CronJob',
]);

/** A Kubernetes object name (RFC 1123 subdomain); anything else is dropped. */
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const PORT_IN_MESSAGE = /\bport (\d{1,5})\b/i;

function kubernetesName(value: string | undefined): string | undefined {
  return value && KUBERNETES_NAME.test(value) ? value : undefined;
}

/**
 * The Scaffolder form values a template link carries, for the parameters
 * the template declares only: `entityRef` (the service to fix), and from
 * the check's failing findings the `namespace`, the `workload` (a
 * Deployment-like object's name), the `service` and the first `port` a
 * finding names. Findings come from manifests anyone can write, so a value
 * is passed on only in the shape its parameter takes (a Kubernetes name, a
 * port number).
 */
export function templateFormData(
  source: TemplatePrefillSource,
  declared: ReadonlySet<string>,
): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && declared.has(key) && !(key in values)) {
      values[key] = value;
    }
  };
  if (source.entityRef) {
    set('entityRef', templateEntityRefValue(source.entityRef));
  }
  const gaps = (source.findings ?? []).filter(
    finding => finding.level === 'fail' || finding.level === 'warn',
  );
  for (const finding of gaps) {
    const resource = finding.resource;
    if (resource?.kind === 'Namespace') {
      set('namespace', kubernetesName(resource.name));
    }
    set('namespace', kubernetesName(resource?.namespace));
    if (resource && WORKLOAD_KINDS.has(resource.kind)) {
      set('workload', kubernetesName(resource.name));
    }
    if (resource?.kind === 'Service') {
      set('service', kubernetesName(resource.name));
    }
    const port = Number(PORT_IN_MESSAGE.exec(finding.message)?.[1]);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) {
      set('port', port);
    }
  }
  return values;
}

/** An entity ref as the Scaffolder's EntityPicker stores it; undefined when it is none. */
function templateEntityRefValue(entityRef: string): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef));
  } catch {
    return undefined;
  }
}

/**
 * The template path with the Scaffolder's `formData` query parameter (a
 * JSON object the template form starts from), URL-encoded as a whole.
 */
export function templateHrefWithFormData(
  path: string,
  formData: Record<string, unknown>,
): string {
  if (Object.keys(formData).length === 0) {
    return path;
  }
  return `${path}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}
