/*
 * The closed vocabularies of the domain: evidence sources, meshes,
 * severities, roles and statuses. Each is a zod enum; its TypeScript type is
 * inferred from it (see ../types.ts) and its values are the ones the program
 * validator, the API and the UI accept.
 */
import { z } from 'zod';
import { component } from './registry';

/**
 * Where a check reads its evidence from (shared/checks.md "ev" column).
 *
 * @public
 */
export const evidenceSourceSchema = component(
  z.enum(['catalog', 'manifests', 'cluster', 'metrics']),
  'EvidenceSource',
);

/**
 * The meshes a program or check can target.
 *
 * @public
 */
export const meshFlavourSchema = component(
  z.enum(['istio', 'linkerd']),
  'MeshFlavour',
);

/**
 * `required` items gate a phase; `recommended` ones only inform.
 *
 * @public
 */
export const severitySchema = component(
  z.enum(['required', 'recommended']),
  'Severity',
);

/**
 * Who may attest a checklist item.
 *
 * @public
 */
export const attestorRoleSchema = component(
  z.enum(['owner', 'security', 'platform']),
  'AttestorRole',
);

/**
 * The result of one check in a scorecard.
 *
 * @public
 */
export const checkStatusSchema = component(
  z.enum([
    'pass',
    'fail',
    'warn',
    'unknown',
    'waived',
    'not-applicable',
    'not-evaluated',
  ]),
  'CheckStatus',
);

/**
 * The state of one checklist item in a scorecard.
 *
 * @public
 */
export const checklistStatusSchema = component(
  z.enum(['attested', 'missing', 'expired', 'reset', 'waived']),
  'ChecklistStatus',
);

/**
 * The life cycle of a waiver.
 *
 * @public
 */
export const waiverStateSchema = component(
  z.enum(['requested', 'approved', 'rejected', 'revoked', 'expired']),
  'WaiverState',
);
