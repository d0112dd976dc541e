import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  entityRouteRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import {
  ScorecardSummary,
  meshReadinessApiRef,
} from '../../api/MeshReadinessApi';
import { usePrograms } from '../../hooks/usePrograms';
import { phaseTitleFn } from '../../hooks/usePhaseTitles';
import { PhaseBadge } from '../shared/PhaseBadge';
import { errorMessage } from '../shared/errorMessage';
import { ServiceFilterControls } from './ServiceFilterControls';
import { csvFileName, saveCsvFile } from './saveCsvFile';
import {
  ServiceFilters,
  parseServiceFilters,
  serviceFiltersQuery,
} from './serviceFilters';
import { toScorecardsQuery } from './scorecardsQuery';
import { servicesCount } from './servicesCount';

const ROWS_PER_PAGE = [25, 50, 100];

/**
 * The link to a service's Mesh readiness tab; with a check filter, to that
 * check on the tab (`?check=<checkId>`).
 */
function useScorecardTabLink(check: string | undefined) {
  const entityRoute = useRouteRef(entityRouteRef);
  return (entityRef: string) => {
    const ref = parseEntityRef(entityRef);
    const path = `${entityRoute({
      namespace: ref.namespace,
      kind: ref.kind.toLocaleLowerCase('en-US'),
      name: ref.name,
    })}/mesh-readiness`;
    return check ? `${path}?check=${encodeURIComponent(check)}` : path;
  };
}

function refTitle(ref: string | undefined, defaultKind: string) {
  return ref
    ? humanizeEntityRef(parseEntityRef(ref), { defaultKind })
    : undefined;
}

/** One page of services, as the backend filtered and counted them. */
function ServicesListTable(props: {
  services: ScorecardSummary[];
  check: string | undefined;
  phaseTitle: ReturnType<typeof phaseTitleFn>;
}) {
  const { services, phaseTitle } = props;
  const tabLink = useScorecardTabLink(props.check);
  return (
    <Table size="small" aria-label="Services">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Program</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Progress to next phase</TableCell>
          <TableCell align="right">Failing checks</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {services.map(service => (
          <TableRow key={`${service.entityRef}/${service.programId}`}>
            <TableCell>
              <Link to={tabLink(service.entityRef)}>
                {service.title ?? refTitle(service.entityRef, 'component')}
              </Link>
              {service.stale && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  stale{service.staleReason ? `: ${service.staleReason}` : ''}
                </Typography>
              )}
            </TableCell>
            <TableCell>{service.programId}</TableCell>
            <TableCell>
              <PhaseBadge
                size="small"
                phase={service.phase}
                title={phaseTitle(service.phase, service.programId)}
              />
            </TableCell>
            <TableCell>
              {service.owner ? (
                <EntityRefLink entityRef={service.owner} defaultKind="group" />
              ) : (
                'No owner'
              )}
            </TableCell>
            <TableCell>
              {service.nextPhase
                ? `${service.progress.passed}/${
                    service.progress.total
                  } to ${phaseTitle(service.nextPhase, service.programId)}`
                : 'All phases reached'}
            </TableCell>
            <TableCell align="right">{service.failingChecks}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** What the filters select, in words: "in Expand, owned by team-a". */
function describeFilters(
  filters: ServiceFilters,
  phaseTitle: ReturnType<typeof phaseTitleFn>,
): string {
  const parts: string[] = [];
  if (filters.program) parts.push(`of ${filters.program}`);
  if (filters.phase)
    parts.push(`in ${phaseTitle(filters.phase, filters.program)}`);
  if (filters.owner) {
    parts.push(
      `owned by ${refTitle(filters.owner, 'group')}${
        filters.includeChildGroups ? ' or its child groups' : ''
      }`,
    );
  }
  if (filters.system)
    parts.push(`in system ${refTitle(filters.system, 'system')}`);
  if (filters.domain)
    parts.push(`in domain ${refTitle(filters.domain, 'domain')}`);
  if (filters.wave) parts.push(`in wave ${filters.wave}`);
  if (filters.check) {
    parts.push(
      `with ${filters.check}${
        filters.checkStatus ? ` ${filters.checkStatus}` : ''
      }`,
    );
  } else if (filters.checkStatus) {
    parts.push(`with a check ${filters.checkStatus}`);
  }
  return parts.join(', ');
}

/**
 * The services list of the Mesh Readiness page: the services behind any
 * aggregate, filtered by the URL query
 * (`?program=&phase=&owner=&includeChildGroups=&system=&domain=&wave=&check=&checkStatus=`),
 * paged by the backend, with the CSV export of the same filters.
 */
export function ServicesListView() {
  const api = useApi(meshReadinessApiRef);
  const alertApi = useApi(alertApiRef);
  const programs = usePrograms();
  const phaseTitle = phaseTitleFn(programs);
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.toString();
  // The filters are the URL's: a drill-down link, the back button and a
  // shared link all show the same list.
  const filters = useMemo(
    () => parseServiceFilters(new URLSearchParams(query)),
    [query],
  );
  const [paging, setPaging] = useState({
    query,
    page: 0,
    rowsPerPage: ROWS_PER_PAGE[0],
  });
  // Other filters start again at the first page.
  const page = paging.query === query ? paging.page : 0;
  const [downloading, setDownloading] = useState(false);

  const services = useAsync(
    () =>
      api.listScorecards({
        ...toScorecardsQuery(filters),
        offset: page * paging.rowsPerPage,
        limit: paging.rowsPerPage,
      }),
    [api, filters, page, paging.rowsPerPage],
  );

  const setFilters = (next: ServiceFilters) =>
    setSearchParams(new URLSearchParams(serviceFiltersQuery(next)));

  const handleDownload = async () => {
    setDownloading(true);
    try {
      const csv = await api.exportCsv(toScorecardsQuery(filters));
      saveCsvFile(
        csv,
        csvFileName([filters.program, filters.phase, filters.wave]),
      );
    } catch (e) {
      alertApi.post({
        message: `CSV export failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setDownloading(false);
    }
  };

  const description = describeFilters(filters, phaseTitle);
  let content;
  if (services.loading) {
    content = <Progress />;
  } else if (services.error) {
    content = <ResponseErrorPanel error={services.error} />;
  } else if (services.value) {
    const { items, totalCount } = services.value;
    content = (
      <>
        <Typography variant="body1" role="status">
          {servicesCount(totalCount)}
          {description ? ` ${description}` : ''}
        </Typography>
        {items.length > 0 && (
          <ServicesListTable
            services={items}
            check={filters.check}
            phaseTitle={phaseTitle}
          />
        )}
        {totalCount > ROWS_PER_PAGE[0] && (
          <TablePagination
            component="div"
            count={totalCount}
            page={page}
            rowsPerPage={paging.rowsPerPage}
            rowsPerPageOptions={ROWS_PER_PAGE}
            labelRowsPerPage="Services per page"
            onPageChange={(_event, next) =>
              setPaging({ ...paging, query, page: next })
            }
            onRowsPerPageChange={event =>
              setPaging({
                query,
                page: 0,
                rowsPerPage: Number(event.target.value),
              })
            }
          />
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Services"
      action={
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={handleDownload}
          disabled={downloading}
        >
          {downloading ? 'Preparing CSV…' : 'Download CSV'}
        </Button>
      }
    >
      <Box display="flex" flexDirection="column" gridGap={16}>
        <ServiceFilterControls
          filters={filters}
          programs={programs}
          phaseTitle={phaseTitle}
          onChange={setFilters}
        />
        {content}
      </Box>
    </InfoCard>
  );
}
