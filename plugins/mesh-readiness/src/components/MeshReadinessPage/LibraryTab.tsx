import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { ProgramStatus, meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { SafeLink } from '../SafeLink';
import { formatDateTime } from '../shared/formatDate';
import { templatePath } from '../shared/templates';
import {
  BrokenReference,
  LibraryAnalysis,
  analyzeLibrary,
} from './libraryAnalysis';

interface AnalyzedProgram {
  status: ProgramStatus;
  analysis?: LibraryAnalysis;
  /** Broken references found by looking links up in the catalog. */
  missingInCatalog: BrokenReference[];
  /** Items whose Scaffolder template is not in the catalog but has a fragment. */
  fragmentFallbacks: BrokenReference[];
}

function ProblemsList(props: { status: ProgramStatus }) {
  const { problems } = props.status;
  if (problems.length === 0) {
    return null;
  }
  return (
    <Alert severity="error" role="alert">
      <Typography variant="subtitle2">
        {props.status.status === 'unreadable'
          ? 'The program could not be read'
          : 'The program failed validation'}
        {props.status.inForce
          ? '; the last good version stays in force.'
          : '; no version of it is in force.'}
      </Typography>
      <List dense disablePadding aria-label="Validation errors">
        {problems.map((p, i) => (
          <ListItem key={i} disableGutters>
            <ListItemText
              primary={p.message}
              secondary={`${p.file}:${p.line}:${p.column} at ${p.path}`}
            />
          </ListItem>
        ))}
      </List>
    </Alert>
  );
}

function LibraryTable(props: {
  analysis: LibraryAnalysis;
  /** Items whose template is shown as its fragment (not in the catalog). */
  fragmentFallbacks: Set<string>;
}) {
  return (
    <Table size="small" aria-label="Checks and checklist items">
      <TableHead>
        <TableRow>
          <TableCell>Item</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Playbook</TableCell>
          <TableCell>Template</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.analysis.items.map(item => {
          const templateHref = props.fragmentFallbacks.has(item.id)
            ? undefined
            : templatePath(item.template?.templateRef);
          return (
            <TableRow key={`${item.kind}:${item.id}`}>
              <TableCell>
                {item.title}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {item.id} · {item.kind}
                </Typography>
              </TableCell>
              <TableCell>{item.phase}</TableCell>
              <TableCell>{item.severity}</TableCell>
              <TableCell>
                {item.playbook ? (
                  <SafeLink to={item.playbook.url} showRejectedUrl>
                    {item.playbook.title}
                  </SafeLink>
                ) : (
                  item.playbookId ?? '—'
                )}
              </TableCell>
              <TableCell>
                {item.template && templateHref && (
                  <SafeLink to={templateHref}>{item.template.title}</SafeLink>
                )}
                {item.template && !templateHref && (
                  <>
                    {item.template.title}
                    {item.template.fragment ? ' (policy fragment)' : ''}
                  </>
                )}
                {!item.template && (item.templateId ?? '—')}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function ProgramLibrary(props: { program: AnalyzedProgram }) {
  const { status, analysis, missingInCatalog, fragmentFallbacks } =
    props.program;
  const broken = missingInCatalog;
  return (
    <InfoCard
      title={status.title ?? status.id}
      subheader={`${status.location}${
        status.version ? ` · version ${status.version}` : ''
      } · checked ${formatDateTime(status.checkedAt)}`}
    >
      <Box display="flex" flexDirection="column" gridGap={16}>
        <Box display="flex" gridGap={8} flexWrap="wrap">
          <Chip
            size="small"
            variant="outlined"
            label={`status: ${status.status}`}
          />
          {status.mesh && (
            <Chip size="small" variant="outlined" label={status.mesh} />
          )}
          <Chip
            size="small"
            variant="outlined"
            label={status.inForce ? 'in force' : 'not in force'}
          />
        </Box>
        <ProblemsList status={status} />
        {analysis && (
          <>
            <Box>
              <Typography variant="h6" component="h3">
                Coverage gaps ({analysis.gaps.length})
              </Typography>
              {analysis.gaps.length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  Every check has a playbook and a template.
                </Typography>
              ) : (
                <Table size="small" aria-label="Coverage gaps">
                  <TableHead>
                    <TableRow>
                      <TableCell>Item</TableCell>
                      <TableCell>Id</TableCell>
                      <TableCell>Missing</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {analysis.gaps.map(item => (
                      <TableRow key={`${item.kind}:${item.id}`}>
                        <TableCell>{item.title}</TableCell>
                        <TableCell>{item.id}</TableCell>
                        <TableCell>
                          {[
                            !item.playbookId && 'playbook',
                            item.kind === 'check' &&
                              !item.templateId &&
                              'template',
                          ]
                            .filter(Boolean)
                            .join(', ')}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </Box>
            <Box>
              <Typography variant="h6" component="h3">
                Broken references ({broken.length})
              </Typography>
              {fragmentFallbacks.length > 0 && (
                <Typography variant="body2" color="textSecondary">
                  {fragmentFallbacks.length} item
                  {fragmentFallbacks.length === 1 ? '' : 's'} show
                  {fragmentFallbacks.length === 1 ? 's' : ''} the inline
                  fragment: the Scaffolder template is not in the catalog (
                  {[...new Set(fragmentFallbacks.map(f => f.ref))].join(', ')}
                  ).
                </Typography>
              )}
              {broken.length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  Every playbook and template reference resolves.
                </Typography>
              ) : (
                <List dense disablePadding aria-label="Broken references">
                  {broken.map((b, i) => (
                    <ListItem key={i} disableGutters>
                      <ListItemText
                        primary={`${b.itemId}: ${b.what} ${b.ref}`}
                        secondary={b.reason}
                      />
                    </ListItem>
                  ))}
                </List>
              )}
            </Box>
            <LibraryTable
              analysis={analysis}
              fragmentFallbacks={new Set(fragmentFallbacks.map(f => f.itemId))}
            />
          </>
        )}
      </Box>
    </InfoCard>
  );
}

/**
 * The platform team's view of the programs: every check with its playbook
 * and template, coverage gaps, broken references and validation errors.
 */
export function LibraryTab() {
  const api = useApi(meshReadinessApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async (): Promise<
    AnalyzedProgram[]
  > => {
    const statuses = await api.listPrograms();
    const analyzed = statuses.map(status => ({
      status,
      analysis: status.program ? analyzeLibrary(status.program) : undefined,
      missingInCatalog: [] as BrokenReference[],
      fragmentFallbacks: [] as BrokenReference[],
    }));
    const refs = [
      ...new Set(
        analyzed.flatMap(
          a => a.analysis?.catalogRefs.map(r => r.entityRef) ?? [],
        ),
      ),
    ];
    if (refs.length > 0) {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: refs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      });
      const missing = new Set(refs.filter((_, i) => !items[i]));
      for (const a of analyzed) {
        for (const r of a.analysis?.catalogRefs ?? []) {
          if (missing.has(r.entityRef)) {
            const item = a.analysis?.items.find(i => i.id === r.itemId);
            // A template with an inline fragment degrades to the fragment.
            const fallback = r.what === 'template' && item?.template?.fragment;
            (fallback ? a.fragmentFallbacks : a.missingInCatalog).push({
              itemId: r.itemId,
              what: r.what,
              ref: r.ref,
              reason: `${r.entityRef} is not in the catalog.`,
            });
          }
        }
      }
    }
    return analyzed;
  }, [api, catalogApi]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value || value.length === 0) {
    return (
      <Typography variant="body2">
        No program is configured. Add program locations under{' '}
        <code>meshReadiness.programs</code> in <code>app-config.yaml</code>.
      </Typography>
    );
  }
  return (
    <Grid container spacing={3}>
      {value.map(program => (
        <Grid
          item
          xs={12}
          key={`${program.status.id}/${program.status.location}`}
        >
          <ProgramLibrary program={program} />
        </Grid>
      ))}
    </Grid>
  );
}
