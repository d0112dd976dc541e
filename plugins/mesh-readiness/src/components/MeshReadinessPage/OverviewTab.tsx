import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { TeamRollup, meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { PhaseTitleFn, usePhaseTitles } from '../../hooks/usePhaseTitles';
import { WaveProgressList } from '../shared/WaveProgressList';
import { FunnelChart, TrendChart } from './OrgCharts';
import { MtlsCoverageChart } from '../TrafficEvidence';
import { errorMessage } from '../shared/errorMessage';
import { DrillDownLink } from '../ServicesList/DrillDownLink';
import { FailingChecksTable } from '../shared/FailingChecksTable';
import { csvFileName, saveCsvFile } from '../ServicesList/saveCsvFile';
import {
  ServicesLinkFn,
  useServicesLink,
} from '../ServicesList/useServicesLink';
import { servicesCount } from '../ServicesList/servicesCount';

const TEAMS_PER_PAGE = [25, 50, 100];

/** A team's name for an accessible label: `team-a` of `group:default/team-a`. */
function ownerName(owner: string | undefined): string {
  return owner === undefined
    ? 'No owner'
    : humanizeEntityRef(parseEntityRef(owner), { defaultKind: 'group' });
}

/** One page of the teams table, as the backend counted it. */
function TeamsTable(props: {
  teams: TeamRollup[];
  phaseOrder: string[];
  phaseTitle: PhaseTitleFn;
  programId?: string;
  servicesLink?: ServicesLinkFn;
}) {
  const { teams, phaseOrder, phaseTitle, programId, servicesLink } = props;
  // A team row opens the team's services; a phase cell, the team's
  // services in that phase. Services without an owner have no filter.
  const teamLink = (team: TeamRollup, phase?: string) =>
    team.owner === undefined
      ? undefined
      : servicesLink?.({ program: programId, owner: team.owner, phase });
  if (teams.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No team has a service with a scorecard yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Teams">
      <TableHead>
        <TableRow>
          <TableCell>Team</TableCell>
          <TableCell align="right">Services</TableCell>
          {phaseOrder.map(phase => (
            <TableCell key={phase} align="right">
              {phaseTitle(phase, programId)}
            </TableCell>
          ))}
          <TableCell align="right">Failing checks</TableCell>
          <TableCell align="right">Stale</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {teams.map(team => (
          <TableRow key={team.owner ?? ''}>
            <TableCell>
              {team.owner === undefined ? (
                'No owner'
              ) : (
                <EntityRefLink entityRef={team.owner} defaultKind="group" />
              )}
            </TableCell>
            <TableCell align="right">
              <DrillDownLink
                to={teamLink(team)}
                label={`${ownerName(team.owner)}: ${servicesCount(
                  team.services,
                )}`}
              >
                {team.services}
              </DrillDownLink>
            </TableCell>
            {phaseOrder.map(phase => {
              const count = team.phases.find(p => p.phase === phase)?.count;
              return (
                <TableCell key={phase} align="right">
                  {count ? (
                    <DrillDownLink
                      to={teamLink(team, phase)}
                      label={`${ownerName(team.owner)}, ${phaseTitle(
                        phase,
                        programId,
                      )}: ${servicesCount(count)}`}
                    >
                      {count}
                    </DrillDownLink>
                  ) : (
                    0
                  )}
                </TableCell>
              );
            })}
            <TableCell align="right">{team.failingChecks}</TableCell>
            <TableCell align="right">{team.stale}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Props of the overview tab. */
export interface OverviewTabProps {
  /** Days of trend to show (default 30). */
  trendDays?: number;
}

/** Adoption funnel, trend, teams, top failing checks, waves and CSV export. */
export function OverviewTab(props: OverviewTabProps) {
  const api = useApi(meshReadinessApiRef);
  const alertApi = useApi(alertApiRef);
  const phaseTitle = usePhaseTitles();
  const servicesLink = useServicesLink();
  const [programId, setProgramId] = useState<string>('');
  const [downloading, setDownloading] = useState(false);
  const [teamsPage, setTeamsPage] = useState(0);
  const [teamsPerPage, setTeamsPerPage] = useState(TEAMS_PER_PAGE[0]);
  const selectedProgram = programId || undefined;

  const programs = useAsync(() => api.listPrograms(), [api]);
  const summary = useAsync(
    () =>
      api.getOrgSummary({
        programId: selectedProgram,
        days: props.trendDays ?? 30,
      }),
    [api, selectedProgram, props.trendDays],
  );
  // The backend counts the teams; the tab asks for the page it shows.
  const teams = useAsync(
    () =>
      api.listTeamRollups({
        programId: selectedProgram,
        offset: teamsPage * teamsPerPage,
        limit: teamsPerPage,
      }),
    [api, selectedProgram, teamsPage, teamsPerPage],
  );

  const handleDownload = async () => {
    setDownloading(true);
    try {
      const csv = await api.exportCsv({ programId: selectedProgram });
      saveCsvFile(csv, csvFileName([selectedProgram]));
    } catch (e) {
      alertApi.post({
        message: `CSV export failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setDownloading(false);
    }
  };

  if (summary.loading) {
    return <Progress />;
  }
  if (summary.error) {
    return <ResponseErrorPanel error={summary.error} />;
  }
  const org = summary.value!;
  const phaseOrder = org.funnel.map(c => c.phase);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          gridGap={16}
          justifyContent="space-between"
        >
          <TextField
            select
            label="Program"
            value={programId}
            onChange={e => {
              setProgramId(e.target.value);
              setTeamsPage(0);
            }}
            style={{ minWidth: 240 }}
            InputLabelProps={{ shrink: true }}
            SelectProps={{
              id: 'mesh-readiness-program-select',
              displayEmpty: true,
            }}
          >
            <MenuItem value="">All programs</MenuItem>
            {(programs.value ?? []).map(p => (
              <MenuItem key={p.id} value={p.id}>
                {p.title ?? p.id}
              </MenuItem>
            ))}
          </TextField>
          <Typography variant="body1">
            {org.totalEntities} services · {org.staleEntities} stale · waivers:{' '}
            {org.waivers.requested} requested, {org.waivers.approved} approved,{' '}
            {org.waivers.expiringWithin30Days} expiring within 30 days
          </Typography>
          <Button
            variant="outlined"
            startIcon={<GetAppIcon />}
            onClick={handleDownload}
            disabled={downloading}
          >
            {downloading ? 'Preparing CSV…' : 'Download CSV'}
          </Button>
        </Box>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Adoption funnel">
          <FunnelChart
            funnel={org.funnel}
            phaseTitle={phaseTitle}
            programId={selectedProgram}
            phaseLink={
              servicesLink &&
              (phase => servicesLink({ program: selectedProgram, phase }))
            }
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="mTLS coverage">
          <MtlsCoverageChart days={props.trendDays ?? 30} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Trend">
          <TrendChart
            trend={org.trend}
            phaseOrder={phaseOrder}
            phaseTitle={phaseTitle}
            programId={selectedProgram}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Teams">
          {teams.loading && <Progress />}
          {teams.error && <ResponseErrorPanel error={teams.error} />}
          {teams.value && (
            <>
              <TeamsTable
                teams={teams.value.items}
                phaseOrder={phaseOrder}
                phaseTitle={phaseTitle}
                programId={selectedProgram}
                servicesLink={servicesLink}
              />
              {teams.value.totalCount > TEAMS_PER_PAGE[0] && (
                <TablePagination
                  component="div"
                  count={teams.value.totalCount}
                  page={teamsPage}
                  rowsPerPage={teamsPerPage}
                  rowsPerPageOptions={TEAMS_PER_PAGE}
                  labelRowsPerPage="Teams per page"
                  onPageChange={(_event, page) => setTeamsPage(page)}
                  onRowsPerPageChange={event => {
                    setTeamsPerPage(Number(event.target.value));
                    setTeamsPage(0);
                  }}
                />
              )}
            </>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Top failing checks">
          <FailingChecksTable
            checks={org.topFailingChecks}
            phaseTitle={phaseTitle}
            programId={selectedProgram}
            checkLink={
              servicesLink &&
              (checkId =>
                servicesLink({
                  program: selectedProgram,
                  check: checkId,
                  checkStatus: 'fail',
                }))
            }
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Waves and deadlines">
          <WaveProgressList
            waves={org.waves}
            phaseTitle={phaseTitle}
            waveLink={
              servicesLink &&
              (wave => servicesLink({ program: wave.programId, wave: wave.id }))
            }
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
