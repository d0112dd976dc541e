import { FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  alertApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Blocker,
  MentorTeam,
  meshReadinessApiRef,
} from '../../api/MeshReadinessApi';
import { PhaseTitleFn, usePhaseTitles } from '../../hooks/usePhaseTitles';
import { formatDate, formatDateTime } from '../shared/formatDate';
import { PhaseDistribution } from '../shared/PhaseDistribution';
import { RegressionsList } from '../shared/RegressionsList';
import { WaveProgressList } from '../shared/WaveProgressList';
import { errorMessage } from '../shared/errorMessage';
import { DrillDownLink } from '../ServicesList/DrillDownLink';
import { groupServicesFilters } from '../ServicesList/groupServicesFilters';
import { servicesCount } from '../ServicesList/servicesCount';
import { useServicesLink } from '../ServicesList/useServicesLink';

const DAY_MS = 24 * 60 * 60 * 1000;

function StuckItems(props: {
  blockers: Blocker[];
  stuckAfterDays: number;
  phaseTitle: PhaseTitleFn;
  now: number;
}) {
  const stuck = props.blockers.filter(
    b =>
      props.now - Date.parse(b.failingSince) >= props.stuckAfterDays * DAY_MS,
  );
  if (stuck.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing has been failing for {props.stuckAfterDays} days or more.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Stuck items">
      {stuck.map(b => (
        <ListItem key={b.checkId} disableGutters>
          <ListItemText
            primary={`${b.title} (${props.phaseTitle(b.phase)})`}
            secondary={
              <>
                Failing since {formatDate(b.failingSince)} (
                {Math.floor((props.now - Date.parse(b.failingSince)) / DAY_MS)}{' '}
                days) for <EntityRefLinks entityRefs={b.entityRefs} />
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}

function TeamNotes(props: { groupRef: string }) {
  const api = useApi(meshReadinessApiRef);
  const alertApi = useApi(alertApiRef);
  const notes = useAsyncRetry(
    () => api.listMentorNotes(props.groupRef),
    [api, props.groupRef],
  );
  const [body, setBody] = useState('');
  const [saving, setSaving] = useState(false);
  const fieldId = `note-${props.groupRef.replace(/[^\w-]/g, '-')}`;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) {
      return;
    }
    setSaving(true);
    try {
      await api.createMentorNote(props.groupRef, { body: body.trim() });
      setBody('');
      notes.retry();
    } catch (e) {
      alertApi.post({
        message: `Could not save the note: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box>
      {notes.loading && !notes.value && <Progress />}
      {notes.error && <ResponseErrorPanel error={notes.error} />}
      {notes.value && notes.value.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No notes yet.
        </Typography>
      )}
      {notes.value && notes.value.length > 0 && (
        <List dense disablePadding aria-label="Notes">
          {notes.value.map(note => (
            <ListItem key={note.id} disableGutters>
              <ListItemText
                primary={note.body}
                secondary={`${note.author} · ${formatDateTime(note.createdAt)}${
                  note.entityRef ? ` · ${note.entityRef}` : ''
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <form onSubmit={handleSubmit}>
        <TextField
          id={fieldId}
          label="New note"
          value={body}
          onChange={e => setBody(e.target.value)}
          multiline
          minRows={2}
          fullWidth
          margin="dense"
          inputProps={{ maxLength: 8000 }}
        />
        <Button
          type="submit"
          size="small"
          variant="outlined"
          disabled={saving || !body.trim()}
        >
          {saving ? 'Saving…' : 'Add note'}
        </Button>
      </form>
    </Box>
  );
}

function MentoredTeamCard(props: {
  team: MentorTeam;
  stuckAfterDays: number;
  phaseTitle: PhaseTitleFn;
}) {
  const { team, phaseTitle } = props;
  const api = useApi(meshReadinessApiRef);
  const servicesLink = useServicesLink();
  const rollup = useAsync(
    () => api.getGroupRollup(team.groupRef),
    [api, team.groupRef],
  );
  const teamName = team.title ?? team.groupRef;
  return (
    <InfoCard
      title={<EntityRefLink entityRef={team.groupRef} title={team.title} />}
      subheader={
        <DrillDownLink
          to={servicesLink?.(groupServicesFilters(team.groupRef))}
          label={`${teamName}: ${servicesCount(team.services)}`}
        >
          {servicesCount(team.services)}
        </DrillDownLink>
      }
    >
      <Box display="flex" flexDirection="column" gridGap={16}>
        <PhaseDistribution
          counts={team.phaseDistribution}
          phaseTitle={phaseTitle}
          scopeLabel={teamName}
          phaseLink={
            servicesLink &&
            (phase => servicesLink(groupServicesFilters(team.groupRef, phase)))
          }
        />
        {rollup.loading && <Progress />}
        {rollup.error && <ResponseErrorPanel error={rollup.error} />}
        {rollup.value && (
          <>
            <Box>
              <Typography variant="h6" component="h3">
                Stuck items
              </Typography>
              <StuckItems
                blockers={rollup.value.blockers}
                stuckAfterDays={props.stuckAfterDays}
                phaseTitle={phaseTitle}
                now={Date.now()}
              />
            </Box>
            <Box>
              <Typography variant="h6" component="h3">
                Regressions
              </Typography>
              <RegressionsList
                regressions={rollup.value.regressions}
                phaseTitle={phaseTitle}
              />
            </Box>
            <Box>
              <Typography variant="h6" component="h3">
                Upcoming deadlines
              </Typography>
              <WaveProgressList
                waves={rollup.value.waves}
                phaseTitle={phaseTitle}
              />
            </Box>
          </>
        )}
        <Box>
          <Typography variant="h6" component="h3">
            Notes
          </Typography>
          <TeamNotes groupRef={team.groupRef} />
        </Box>
      </Box>
    </InfoCard>
  );
}

/** Props of the "My teams" tab. */
export interface MyTeamsTabProps {
  /** A blocker failing this many days or more counts as stuck (default 14). */
  stuckAfterDays?: number;
}

/** The teams the signed-in user mentors. */
export function MyTeamsTab(props: MyTeamsTabProps) {
  const api = useApi(meshReadinessApiRef);
  const identityApi = useApi(identityApiRef);
  const phaseTitle = usePhaseTitles();
  const { value, loading, error } = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return api.getMentorTeams(identity.userEntityRef);
  }, [api, identityApi]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value || value.teams.length === 0) {
    return (
      <Box display="flex" flexDirection="column" gridGap={8}>
        <Typography variant="body1">
          You ({value?.userRef ?? 'signed-in user'}) mentor no teams.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Mentors are named on a Group with the{' '}
          <code>mesh-readiness.io/mentor</code> annotation (comma-separated user
          refs).
        </Typography>
      </Box>
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="body2" color="textSecondary">
          Teams mentored by {value.userRef}
        </Typography>
      </Grid>
      {value.teams.map(team => (
        <Grid item xs={12} lg={6} key={team.groupRef}>
          <MentoredTeamCard
            team={team}
            stuckAfterDays={props.stuckAfterDays ?? 14}
            phaseTitle={phaseTitle}
          />
        </Grid>
      ))}
    </Grid>
  );
}
