import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet } from '@backstage/core-components';
import type { CheckResult } from '../../api/MeshReadinessApi';

type ProgramPlaybook = NonNullable<CheckResult['playbook']>;
type ProgramTemplate = NonNullable<CheckResult['template']>;
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useRouteRefParams } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { SafeLink } from '../SafeLink';
import {
  templateEntityRef,
  templateFormData,
  templateHrefWithFormData,
  templatePath,
  type TemplatePrefillFinding,
} from './templates';
import { useTemplateInCatalog } from './useTemplateInCatalog';
import { useTemplateParameterNames } from './useTemplateParameterNames';

/**
 * The entity of the entity page the links are on, from the page's route
 * (`/catalog/:namespace/:kind/:name`), as the catalog's own entity page
 * finds it; undefined elsewhere.
 */
function useEntityRefOfPage(): string | undefined {
  const { kind, namespace, name } = useRouteRefParams(entityRouteRef) as {
    kind?: string;
    namespace?: string;
    name?: string;
  };
  if (!kind || !name) return undefined;
  return stringifyEntityRef({ kind, namespace: namespace ?? 'default', name });
}

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
  /**
   * The entity to fix; default: the entity of the page. With it or
   * `findings`, the template link opens the Scaffolder form prefilled
   * (`?formData=`) with the entity and what the findings name, for the
   * parameters the template declares.
   */
  entityRef?: string;
  /** The findings of the check the template fixes. */
  findings?: readonly TemplatePrefillFinding[];
}) {
  const { playbook, template, showFragment, findings } = props;
  const pageEntityRef = useEntityRefOfPage();
  const entityRef = props.entityRef ?? pageEntityRef;
  const refPath = templatePath(template?.templateRef);
  const catalogRef = templateEntityRef(template?.templateRef);
  const inCatalog = useTemplateInCatalog(
    template?.fragment ? catalogRef : undefined,
  );
  const declared = useTemplateParameterNames(
    refPath && (entityRef || findings?.length) ? catalogRef : undefined,
  );
  // With a fragment to fall back to, link only to a template that exists.
  const templateHref =
    refPath && (!template?.fragment || inCatalog === true)
      ? templateHrefWithFormData(
          refPath,
          declared ? templateFormData({ entityRef, findings }, declared) : {},
        )
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
