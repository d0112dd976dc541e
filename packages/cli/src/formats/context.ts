import type {
  Program,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { CatalogDocument } from '../inputs/catalog';
import type { TargetPhase } from '../targetPhase';

/** Everything a report format may show about one `check` run. */
export interface CheckReport {
  scorecard: Scorecard;
  program: Program;
  target: TargetPhase;
  /** Whether the scorecard's phase is the target or beyond. */
  reached: boolean;
  /** The entity's catalog document, with its path relative to the root. */
  catalog: Pick<CatalogDocument, 'ref' | 'line'> & { path: string };
  /** Base URL of the portal, for relative (TechDocs) playbook links. */
  portalUrl?: string;
  cliVersion: string;
}

export type ReportFormat = 'text' | 'json' | 'junit' | 'sarif' | 'markdown';

export const REPORT_FORMATS: ReportFormat[] = [
  'text',
  'json',
  'junit',
  'sarif',
  'markdown',
];
