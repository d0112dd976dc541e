/*
 * Program-as-code (apiVersion mesh-readiness.io/v1alpha1, kind Program):
 * the shape of a program document and the format of each value. Rules that
 * relate several fields (references, duplicate ids, phase and wave order,
 * analyzers) need the whole program and live in
 * ../program/programReferences.ts; ../program/loadProgram.ts runs both and
 * turns every problem into file, line, column and YAML path.
 */
import { z } from 'zod';
import {
  dateProblem,
  durationProblem,
  entityRefProblem,
  idProblem,
  linkProblem,
} from '../program/formats';
import { component } from './registry';
import {
  attestorRoleSchema,
  evidenceSourceSchema,
  meshFlavourSchema,
  severitySchema,
} from './vocabulary';

/**
 * `apiVersion` of a program document.
 *
 * @public
 */
export const PROGRAM_API_VERSION = 'mesh-readiness.io/v1alpha1';
/**
 * `kind` of a program document.
 *
 * @public
 */
export const PROGRAM_KIND = 'Program';

/** A string that is not blank and, when given, obeys a format rule. */
function text(rule?: (value: string) => string | undefined) {
  return z.string().superRefine((value, context) => {
    const problem =
      value.trim().length === 0 ? 'must not be empty' : rule?.(value);
    if (problem) {
      context.addIssue({ code: 'custom', message: problem });
    }
  });
}

/** A list whose string entries are each listed once. */
function uniqueList<T extends z.ZodType<string>>(items: T) {
  return z.array(items).superRefine((values, context) => {
    const first = new Map<string, number>();
    values.forEach((value, index) => {
      const earlier = first.get(value);
      if (earlier === undefined) {
        first.set(value, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: [index],
        // The explainer (./issues.ts) names the first entry by its full path.
        params: { firstIndex: earlier },
        message: `"${value}" is listed twice (first at index ${earlier})`,
      });
    });
  });
}

/** A list that names at least one entry, each once. */
function nonEmptyUniqueList<T extends z.ZodType<string>>(items: T) {
  return uniqueList(items).check(
    z.minLength(1, { error: 'must list at least one entry' }),
  );
}

const idText = text(idProblem);
const plainText = text();
const linkText = text(linkProblem);

/** @public */
export const programMetadataSchema = z.strictObject({
  /** Unique program id, e.g. `istio-adoption`. */
  name: idText,
  title: plainText,
  /** Version string bumped by the platform team; part of every scorecard. */
  version: plainText,
  description: plainText.optional(),
});

/**
 * Which catalog entities a program applies to. Empty lists mean "any".
 *
 * @public
 */
export const programAppliesToSchema = z.strictObject({
  kinds: uniqueList(plainText),
  types: uniqueList(plainText).optional(),
  lifecycles: uniqueList(plainText).optional(),
});

/** @public */
export const programPhaseSchema = component(
  z.strictObject({
    /** Phase id, e.g. `pilot`. Phases are listed in order. */
    id: idText,
    title: plainText,
    description: plainText.optional(),
  }),
  'ProgramPhase',
);

/** @public */
export const programCheckSchema = component(
  z.strictObject({
    /** e.g. `k8s.svc.protocol` */
    id: idText,
    title: plainText,
    rationale: plainText,
    /** Id of the phase this check gates. */
    phase: idText,
    severity: severitySchema,
    /** The evidence the check reads. */
    evidence: nonEmptyUniqueList(evidenceSourceSchema),
    /** The named analyzer in the engine that implements the rule. */
    analyzer: plainText,
    /** Optional analyzer parameters from the program. */
    params: z.record(z.string(), z.unknown()).optional(),
    /** Id of a playbook in `spec.playbooks`. */
    playbook: idText.optional(),
    /** Id of a template in `spec.templates`. */
    template: idText.optional(),
    /** Short, actionable fix shown next to a failure. */
    remediation: plainText,
  }),
  'ProgramCheck',
);

/** @public */
export const programChecklistItemSchema = component(
  z.strictObject({
    id: idText,
    title: plainText,
    description: plainText,
    phase: idText,
    severity: severitySchema,
    /** Roles whose members may attest. */
    roles: nonEmptyUniqueList(attestorRoleSchema),
    /** Attestations expire after this ISO-8601 duration (e.g. `P90D`). */
    expiresAfter: text(durationProblem).optional(),
    /** Evidence sources whose change resets an attestation. */
    resetOn: nonEmptyUniqueList(evidenceSourceSchema).optional(),
    playbook: idText.optional(),
    template: idText.optional(),
  }),
  'ProgramChecklistItem',
);

/** @public */
export const programPlaybookSchema = component(
  z.strictObject({
    id: idText,
    title: plainText,
    /** http(s) URL or a relative link (e.g. a TechDocs path). */
    url: linkText,
    /** Upstream documentation the playbook builds on. */
    references: uniqueList(linkText).optional(),
  }),
  'ProgramPlaybook',
);

/** @public */
export const programTemplateSchema = component(
  z.strictObject({
    id: idText,
    title: plainText,
    /** A Scaffolder template ref (`template:default/...`) ... */
    templateRef: text(value => entityRefProblem(value, 'template')).optional(),
    /**
     * ... or an inline policy fragment shown with a copy button; with a
     * templateRef, the fallback where that template is not in the catalog.
     */
    fragment: plainText.optional(),
    description: plainText.optional(),
  }),
  'ProgramTemplate',
);

/** @public */
export const programWaveSchema = component(
  z.strictObject({
    id: idText,
    title: plainText,
    targetPhase: idText,
    /** ISO date, e.g. `2027-03-31`. */
    dueDate: text(dateProblem),
    /** Group refs whose services belong to the wave. */
    groups: uniqueList(
      text(value => entityRefProblem(value, 'group')),
    ).optional(),
    /** Entity refs that belong to the wave. */
    entities: uniqueList(text(value => entityRefProblem(value))).optional(),
  }),
  'ProgramWave',
);

/** @public */
export const programSpecSchema = z.strictObject({
  mesh: meshFlavourSchema,
  appliesTo: programAppliesToSchema,
  phases: z
    .array(programPhaseSchema)
    .check(z.minLength(1, { error: 'must list at least one entry' })),
  checks: z.array(programCheckSchema),
  checklist: z.array(programChecklistItemSchema).default([]),
  playbooks: z.array(programPlaybookSchema).default([]),
  templates: z.array(programTemplateSchema).default([]),
  waves: z.array(programWaveSchema).default([]),
});

/**
 * A program document. Parsing fills the optional lists with `[]`.
 *
 * @public
 */
export const programSchema = component(
  z.strictObject({
    apiVersion: z.literal(PROGRAM_API_VERSION),
    kind: z.literal(PROGRAM_KIND),
    metadata: programMetadataSchema,
    spec: programSpecSchema,
  }),
  'Program',
  'Program-as-code (apiVersion mesh-readiness.io/v1alpha1, kind Program).',
);

/**
 * One problem found while validating a program or parsing manifests.
 *
 * @public
 */
export const sourceProblemSchema = component(
  z.object({
    /** File name as given by the caller. */
    file: z.string(),
    /** 1-based line and column. */
    line: z.int(),
    column: z.int(),
    /** YAML path of the offending node, e.g. `spec.checks[3].playbook`. */
    path: z.string(),
    message: z.string(),
  }),
  'SourceProblem',
);
