import type { CheckAnalyzer } from '../types';
import { mtlsStrict } from './mtlsStrict';
import { mtlsCallers } from './mtlsCallers';
import { authzDeny } from './authzDeny';
import { egressTls } from './egressTls';
import { mtlsObserved } from './mtlsObserved';
import { authzDryRun } from './authzDryRun';

/** The security checks (`sec.*`). */
export const securityAnalyzers: CheckAnalyzer[] = [
  mtlsStrict,
  mtlsCallers,
  authzDeny,
  egressTls,
  mtlsObserved,
  authzDryRun,
];
