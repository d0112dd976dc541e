import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import ReactMarkdown from 'react-markdown';
import gfm from 'remark-gfm';
import { Route, Routes, useLocation, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { SafeLink } from '../SafeLink';
import { playbookHref, playbooksBasePath } from './playbookLinks';

function usePlaybooksBasePath() {
  return playbooksBasePath(useLocation().pathname);
}

/**
 * Renders a playbook's markdown. Raw HTML in the page is dropped, not
 * rendered (`skipHtml`), and links go through the safe-link rule, so a
 * program's playbook cannot inject markup or script into the portal.
 */
function PlaybookMarkdown(props: { markdown: string; basePath: string }) {
  const { markdown, basePath } = props;
  return (
    <ReactMarkdown
      remarkPlugins={[gfm]}
      skipHtml
      components={{
        a: ({ href, children }) => (
          <SafeLink to={href ? playbookHref(href, basePath) : undefined}>
            {children as ReactNode}
          </SafeLink>
        ),
        code: ({ inline, className, children }) => {
          const language = /language-(\w+)/.exec(className ?? '')?.[1];
          const text = String(children).replace(/\n+$/, '');
          return !inline && language ? (
            <CodeSnippet language={language} text={text} showCopyCodeButton />
          ) : (
            <code>{children}</code>
          );
        },
      }}
    >
      {markdown}
    </ReactMarkdown>
  );
}

/** One shipped playbook page, at `<page>/playbooks/<id>`. */
export function PlaybookView() {
  const api = useApi(meshReadinessApiRef);
  const { playbookId = 'index' } = useParams();
  const basePath = usePlaybooksBasePath();
  const { value, loading, error } = useAsync(
    () => api.getPlaybook(playbookId),
    [api, playbookId],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <InfoCard>
      <Box component="article" aria-label={value!.title}>
        <PlaybookMarkdown markdown={value!.markdown} basePath={basePath} />
      </Box>
      <Box mt={2}>
        <Link to={basePath}>All playbooks</Link>
      </Box>
    </InfoCard>
  );
}

/** Every shipped playbook, the overview first. */
export function PlaybookIndex() {
  const api = useApi(meshReadinessApiRef);
  const basePath = usePlaybooksBasePath();
  const { value, loading, error } = useAsync(() => api.listPlaybooks(), [api]);
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  // The overview page first, then the pages by title.
  const rank = (id: string) => (id === 'index' ? 0 : 1);
  const pages = [...value!].sort(
    (a, b) => rank(a.id) - rank(b.id) || a.title.localeCompare(b.title),
  );
  return (
    <InfoCard title="Playbooks">
      <Typography variant="body2" color="textSecondary">
        What each readiness check and checklist item means, why it matters and
        how to fix it. Shipped with the plugin; a program may link its checks to
        other pages (TechDocs or any URL) instead.
      </Typography>
      <List dense aria-label="Playbooks">
        {pages.map(page => (
          <ListItem key={page.id} disableGutters>
            <ListItemText
              primary={<Link to={`${basePath}/${page.id}`}>{page.title}</Link>}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}

/** The Playbooks tab of the Mesh Readiness page: the index and one page. */
export function PlaybooksTab() {
  return (
    <Routes>
      <Route path="/" element={<PlaybookIndex />} />
      <Route path="/:playbookId" element={<PlaybookView />} />
    </Routes>
  );
}
