/*
 * The scorecard: what the engine returns for one entity under one program,
 * what the backend stores and the API serves.
 */
import { z } from 'zod';
import { attestationSummarySchema, waiverSummarySchema } from './attestation';
import { programPlaybookSchema, programTemplateSchema } from './program';
import { component, described } from './registry';
import {
  attestorRoleSchema,
  checklistStatusSchema,
  checkStatusSchema,
  evidenceSourceSchema,
  meshFlavourSchema,
  severitySchema,
} from './vocabulary';

/**
 * A Kubernetes / mesh object named as users know it.
 *
 * @public
 */
export const resourceRefSchema = component(
  z.object({
    kind: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
    apiVersion: z.string().optional(),
  }),
  'ResourceRef',
);

/**
 * One piece of evidence behind a check result.
 *
 * @public
 */
export const findingSchema = component(
  z.object({
    /** `fail` / `warn` findings explain a gap; `pass` ones show the proof. */
    level: z.enum(['pass', 'fail', 'warn', 'info']),
    message: z.string(),
    resource: resourceRefSchema.optional(),
    /** Manifest file path and 1-based line of the resource / field. */
    file: z.string().optional(),
    line: z.int().optional(),
    /** Browsable URL of the file (from ManifestFile.url), when known. */
    url: z.string().optional(),
    /** Upstream rule code, e.g. `IST0118`. */
    code: z.string().optional(),
    remediation: z.string().optional(),
  }),
  'Finding',
);

/** @public */
export const checkResultSchema = component(
  z.object({
    checkId: z.string(),
    title: z.string(),
    phase: z.string(),
    severity: severitySchema,
    evidence: z.array(evidenceSourceSchema),
    status: checkStatusSchema,
    /** One-line summary (for unknown / not-evaluated: the reason). */
    summary: z.string(),
    findings: z.array(findingSchema),
    remediation: z.string(),
    playbook: programPlaybookSchema.optional(),
    template: programTemplateSchema.optional(),
    /** The waiver that turned a failure into `waived`. */
    waiver: waiverSummarySchema.optional(),
  }),
  'CheckResult',
);

/** @public */
export const checklistResultSchema = component(
  z.object({
    itemId: z.string(),
    title: z.string(),
    description: z.string(),
    phase: z.string(),
    severity: severitySchema,
    roles: z.array(attestorRoleSchema),
    status: checklistStatusSchema,
    attestation: attestationSummarySchema.optional(),
    waiver: waiverSummarySchema.optional(),
    playbook: programPlaybookSchema.optional(),
    template: programTemplateSchema.optional(),
  }),
  'ChecklistResult',
);

/** @public */
export const phaseSummarySchema = component(
  z.object({
    id: z.string(),
    title: z.string(),
    /** All required checks and checklist items of this phase pass. */
    complete: z.boolean(),
    requiredTotal: z.int(),
    requiredPassed: z.int(),
    /** Required checks not evaluated for lack of a connected source. */
    notEvaluated: z.int(),
  }),
  'PhaseSummary',
);

/** @public */
export const nextStepSchema = component(
  z.object({
    kind: z.enum(['check', 'checklist']),
    itemId: z.string(),
    title: z.string(),
    phase: z.string(),
    severity: severitySchema,
    status: z.union([checkStatusSchema, checklistStatusSchema]),
    remediation: z.string().optional(),
    playbook: programPlaybookSchema.optional(),
    template: programTemplateSchema.optional(),
  }),
  'NextStep',
);

/**
 * Required items of the next phase passed / total.
 *
 * @public
 */
export const progressSchema = component(
  z.object({
    passed: z.int(),
    total: z.int(),
    ratio: z.number(),
  }),
  'Progress',
);

/**
 * Where a live source's facts came from: a cluster (pulled or pushed) or a
 * Prometheus server, with the time it was observed.
 *
 * @public
 */
export const evidenceOriginSchema = component(
  z.object({
    /** The cluster's or the metrics server's name, e.g. `prod-eu`. */
    name: z.string(),
    /** When it was observed (ISO); for a pushed bundle its collection time. */
    observedAt: z.string().optional(),
    /** Read by the portal (`pull`) or posted by a collector (`push`). */
    mode: z.enum(['pull', 'push']).optional(),
  }),
  'EvidenceOrigin',
);

/**
 * How one evidence source answered for the entity at this evaluation.
 *
 * @public
 */
export const sourceObservationSchema = component(
  z.object({
    source: evidenceSourceSchema,
    /**
     * `ok`: facts read. `failed`: connected but did not answer (its checks
     * are `unknown`). `not-connected`: it cannot speak about this entity
     * (its checks are `not-evaluated`).
     */
    status: z.enum(['ok', 'failed', 'not-connected']),
    /** Why it failed or is not connected. */
    reason: z.string().optional(),
    /** When the facts were read (ISO). */
    fetchedAt: z.string().optional(),
    /** Each cluster or metrics server the facts came from. */
    origins: z.array(evidenceOriginSchema).optional(),
  }),
  'SourceObservation',
);

/**
 * Inbound requests or connections in the metrics window and how many were
 * mutual TLS.
 *
 * @public
 */
export const trafficCountSchema = component(
  z.object({ total: z.number(), mtls: z.number() }),
  'TrafficCount',
);

/**
 * A caller still sending plaintext to the entity: it would be refused once
 * the entity switches to STRICT mTLS.
 *
 * @public
 */
export const plaintextCallerSchema = component(
  z.object({
    /** The workload and namespace where the metrics name them. */
    workload: z.string().optional(),
    namespace: z.string().optional(),
    cluster: z.string().optional(),
    /** mTLS identity, when the metrics carry one. */
    identity: z.string().optional(),
    /** Plaintext requests and connections per second over the window. */
    plaintextPerSecond: z.number(),
    plaintextRequests: z.number(),
    plaintextConnections: z.number(),
    /** The catalog entity running the workload, with its owner and phase. */
    entityRef: z.string().optional(),
    owner: z.string().optional(),
    phase: z.string().optional(),
  }),
  'PlaintextCaller',
);

/**
 * What the traffic metrics observed of the entity's inbound traffic: the
 * share over mTLS and the STRICT blast radius (DESIGN §5a).
 *
 * @public
 */
export const trafficObservationSchema = component(
  z.object({
    /** The metrics window, in days. */
    windowDays: z.number().optional(),
    /** When the newest Prometheus answer was read (ISO). */
    observedAt: z.string().optional(),
    /** No inbound request or connection in the window (never a pass). */
    noTraffic: z.boolean(),
    requests: trafficCountSchema,
    connections: trafficCountSchema,
    /** Callers that sent plaintext, the busiest first. */
    plaintextCallers: z.array(plaintextCallerSchema),
    /** Plaintext callers the metrics facts left out past their limit. */
    callersOmitted: z.number().optional(),
  }),
  'TrafficObservation',
);

/** @public */
export const scorecardSchema = component(
  z.object({
    entityRef: z.string(),
    programId: z.string(),
    programVersion: z.string(),
    mesh: meshFlavourSchema,
    phase: described(
      z.string(),
      'Highest complete phase id, or `not-started`.',
    ),
    /** The phase after `phase`, or undefined when the last one is reached. */
    nextPhase: z.string().optional(),
    progress: progressSchema,
    phases: z.array(phaseSummarySchema),
    checks: z.array(checkResultSchema),
    checklist: z.array(checklistResultSchema),
    /** Failing items, ordered by phase then severity then id. */
    nextSteps: z.array(nextStepSchema),
    /**
     * Evidence sources not connected in this installation; a phase reached
     * without them is shown as "without cluster and metrics evidence".
     */
    notConnected: z.array(evidenceSourceSchema),
    /**
     * Each evidence source the program reads, with its status and when it
     * was observed. Absent on scorecards stored before sources were kept.
     */
    sources: z.array(sourceObservationSchema).optional(),
    /**
     * The inbound traffic the metrics evidence observed; absent without
     * metrics facts.
     */
    traffic: trafficObservationSchema.optional(),
    /** Hash of the facts the verdict was computed from (hex). */
    factsHash: z.string(),
    /** When the facts were read (newest source fetch) and when evaluated. */
    factsTimestamp: z.string(),
    evaluatedAt: z.string(),
    /**
     * The earliest instant after `evaluatedAt` at which the same facts give
     * another verdict (a waiver or an attestation in use expires). The facts
     * hash ignores the clock, so re-evaluate at this time even when the hash
     * is unchanged. Absent when nothing in the verdict expires.
     */
    validUntil: described(
      z.string(),
      'The earliest instant at which the same facts give another verdict (a waiver or attestation in use expires).',
    ).optional(),
  }),
  'Scorecard',
  "The engine's verdict for one entity under one program.",
);
