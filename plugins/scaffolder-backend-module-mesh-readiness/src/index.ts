/**
 * Scaffolder actions of Mesh Readiness: a template's policy fragment placed
 * in the entity's repository, previewed as a diff, ready for a pull request.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMeshReadiness as default } from './module';
export {
  createFixPullRequestAction,
  FIX_PULL_REQUEST_ACTION_ID,
} from './actions/fixPullRequest';
export type { SourceReadLimits } from './readSourceFile';
