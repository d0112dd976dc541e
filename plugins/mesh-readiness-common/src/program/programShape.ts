/*
 * The shape of a Program document (apiVersion mesh-readiness.io/v1alpha1,
 * kind Program). Field names mirror the `Program*` types in ../types.ts;
 * rules that relate several fields (references, duplicates, phase order)
 * live in ./programReferences.ts.
 */
import {
  PROGRAM_API_VERSION,
  PROGRAM_KIND,
  type AttestorRole,
  type EvidenceSource,
  type MeshFlavour,
  type Severity,
} from '../types';
import { FieldShape, Shape } from './shapeWalker';
import {
  dateProblem,
  durationProblem,
  entityRefProblem,
  idProblem,
  linkProblem,
} from './formats';

export const EVIDENCE_SOURCES: readonly EvidenceSource[] = [
  'catalog',
  'manifests',
  'cluster',
  'metrics',
];
export const MESH_FLAVOURS: readonly MeshFlavour[] = ['istio', 'linkerd'];
export const SEVERITIES: readonly Severity[] = ['required', 'recommended'];
export const ATTESTOR_ROLES: readonly AttestorRole[] = [
  'owner',
  'security',
  'platform',
];

const text: Shape = { type: 'string' };
const id: Shape = { type: 'string', rule: idProblem };
const link: Shape = { type: 'string', rule: linkProblem };
const textList: Shape = { type: 'list', items: text, uniqueValues: true };

const required = (shape: Shape): FieldShape => ({ shape, required: true });
const optional = (shape: Shape): FieldShape => ({ shape });

const phaseShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    description: optional(text),
  },
};

const checkShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    rationale: required(text),
    phase: required(id),
    severity: required({ type: 'enum', values: SEVERITIES }),
    evidence: required({
      type: 'list',
      items: { type: 'enum', values: EVIDENCE_SOURCES },
      nonEmpty: true,
      uniqueValues: true,
    }),
    analyzer: required(text),
    params: optional({ type: 'mapping' }),
    playbook: optional(id),
    template: optional(id),
    remediation: required(text),
  },
};

const checklistItemShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    description: required(text),
    phase: required(id),
    severity: required({ type: 'enum', values: SEVERITIES }),
    roles: required({
      type: 'list',
      items: { type: 'enum', values: ATTESTOR_ROLES },
      nonEmpty: true,
      uniqueValues: true,
    }),
    expiresAfter: optional({ type: 'string', rule: durationProblem }),
    resetOn: optional({
      type: 'list',
      items: { type: 'enum', values: EVIDENCE_SOURCES },
      nonEmpty: true,
      uniqueValues: true,
    }),
    playbook: optional(id),
    template: optional(id),
  },
};

const playbookShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    url: required(link),
    references: optional({ type: 'list', items: link, uniqueValues: true }),
  },
};

const templateShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    templateRef: optional({
      type: 'string',
      rule: value => entityRefProblem(value, 'template'),
    }),
    fragment: optional(text),
    description: optional(text),
  },
};

const waveShape: Shape = {
  type: 'object',
  fields: {
    id: required(id),
    title: required(text),
    targetPhase: required(id),
    dueDate: required({ type: 'string', rule: dateProblem }),
    groups: optional({
      type: 'list',
      items: {
        type: 'string',
        rule: value => entityRefProblem(value, 'group'),
      },
      uniqueValues: true,
    }),
    entities: optional({
      type: 'list',
      items: { type: 'string', rule: value => entityRefProblem(value) },
      uniqueValues: true,
    }),
  },
};

export const programShape: Shape = {
  type: 'object',
  fields: {
    apiVersion: required({ type: 'const', value: PROGRAM_API_VERSION }),
    kind: required({ type: 'const', value: PROGRAM_KIND }),
    metadata: required({
      type: 'object',
      fields: {
        name: required(id),
        title: required(text),
        version: required(text),
        description: optional(text),
      },
    }),
    spec: required({
      type: 'object',
      fields: {
        mesh: required({ type: 'enum', values: MESH_FLAVOURS }),
        appliesTo: required({
          type: 'object',
          fields: {
            kinds: required(textList),
            types: optional(textList),
            lifecycles: optional(textList),
          },
        }),
        phases: required({ type: 'list', items: phaseShape, nonEmpty: true }),
        checks: required({ type: 'list', items: checkShape }),
        checklist: optional({ type: 'list', items: checklistItemShape }),
        playbooks: optional({ type: 'list', items: playbookShape }),
        templates: optional({ type: 'list', items: templateShape }),
        waves: optional({ type: 'list', items: waveShape }),
      },
    }),
  },
};
