import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet } from '@backstage/core-components';
import type { CheckResult } from '../../api/MeshReadinessApi';

type ProgramPlaybook = NonNullable<CheckResult['playbook']>;
type ProgramTemplate = NonNullable<CheckResult['template']>;
import { SafeLink } from '../SafeLink';
import { templateEntityRef, templatePath } from './templates';
import { useTemplateInCatalog } from './useTemplateInCatalog';

/**
 * The playbook and template of a check or checklist item: a link to the
 * playbook, a link to the Scaffolder template, or the inline policy fragment
 * with a copy button. A template with both a ref and a fragment links to the
 * Scaffolder when the template is in the catalog and falls back to the
 * fragment when it is not (an app that has not registered the templates).
 */
export function PlaybookTemplateLinks(props: {
  playbook?: ProgramPlaybook;
  template?: ProgramTemplate;
  showFragment?: boolean;
}) {
  const { playbook, template, showFragment } = props;
  const refPath = templatePath(template?.templateRef);
  const inCatalog = useTemplateInCatalog(
    template?.fragment ? templateEntityRef(template.templateRef) : undefined,
  );
  // With a fragment to fall back to, link only to a template that exists.
  const templateHref =
    refPath && (!template?.fragment || inCatalog === true)
      ? refPath
      : undefined;
  if (!playbook && !template) {
    return null;
  }
  return (
    <Box display="flex" flexWrap="wrap" alignItems="baseline" gridGap={12}>
      {playbook && (
        <Typography variant="body2" component="span">
          Playbook:{' '}
          <SafeLink to={playbook.url} showRejectedUrl>
            {playbook.title}
          </SafeLink>
        </Typography>
      )}
      {template && templateHref && (
        <Typography variant="body2" component="span">
          Template: <SafeLink to={templateHref}>{template.title}</SafeLink>
        </Typography>
      )}
      {template && !templateHref && (
        <Typography variant="body2" component="span">
          Template: {template.title}
        </Typography>
      )}
      {template?.fragment && showFragment && !templateHref && (
        <Box width="100%">
          <CodeSnippet
            text={template.fragment}
            language="yaml"
            showCopyCodeButton
          />
        </Box>
      )}
    </Box>
  );
}
