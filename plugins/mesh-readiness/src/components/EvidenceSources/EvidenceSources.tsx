import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { Scorecard } from '../../api/MeshReadinessApi';
import { formatDateTime } from '../shared/formatDate';
import { relativeTime } from './relativeTime';

type SourceObservation = NonNullable<Scorecard['sources']>[number];
type EvidenceOrigin = NonNullable<SourceObservation['origins']>[number];

const TITLES: Record<SourceObservation['source'], string> = {
  catalog: 'Catalog',
  manifests: 'Manifests',
  cluster: 'Cluster evidence',
  metrics: 'Metrics evidence',
};

const MODES: Record<NonNullable<EvidenceOrigin['mode']>, string> = {
  pull: 'pulled',
  push: 'pushed',
};

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  failed: { color: theme.palette.error.main },
  time: { borderBottom: `1px dotted ${theme.palette.text.secondary}` },
}));

/** A relative time with the exact time in a tooltip. */
function ObservedTime(props: { iso: string; nowMs: number }) {
  const classes = useStyles();
  return (
    <Tooltip title={formatDateTime(props.iso)}>
      <time dateTime={props.iso} className={classes.time}>
        {relativeTime(props.iso, props.nowMs)}
      </time>
    </Tooltip>
  );
}

function OriginText(props: { origin: EvidenceOrigin; nowMs: number }) {
  const { origin, nowMs } = props;
  return (
    <>
      from {origin.name}
      {origin.mode ? ` (${MODES[origin.mode]})` : ''}
      {origin.observedAt && (
        <>
          , observed <ObservedTime iso={origin.observedAt} nowMs={nowMs} />
        </>
      )}
    </>
  );
}

function SourceText(props: { source: SourceObservation; nowMs: number }) {
  const { source, nowMs } = props;
  const title = TITLES[source.source];
  if (source.status === 'failed') {
    return (
      <>
        {title} unavailable{source.reason ? `: ${source.reason}` : ''}
      </>
    );
  }
  if (source.status === 'not-connected') {
    return (
      <>
        {title} not connected{source.reason ? `: ${source.reason}` : ''}
      </>
    );
  }
  const origins = source.origins ?? [];
  if (origins.length > 0) {
    return (
      <>
        {title}{' '}
        {origins.map((origin, index) => (
          <span key={origin.name}>
            {index > 0 ? '; ' : ''}
            <OriginText origin={origin} nowMs={nowMs} />
          </span>
        ))}
      </>
    );
  }
  return source.fetchedAt ? (
    <>
      {title} read <ObservedTime iso={source.fetchedAt} nowMs={nowMs} />
    </>
  ) : (
    <>{title} answered</>
  );
}

/**
 * Each evidence source of a scorecard with its status and when it was last
 * observed ("Cluster evidence from prod-eu (pulled), observed 5 minutes
 * ago"), failed sources with their reason. Nothing for scorecards stored
 * before the sources were recorded.
 */
export function EvidenceSources(props: {
  sources: Scorecard['sources'];
  /** The clock relative times are measured against (for tests). */
  nowMs?: number;
  /** Smaller text, for the overview card. */
  dense?: boolean;
}) {
  const classes = useStyles();
  const { sources, dense } = props;
  if (!sources || sources.length === 0) {
    return null;
  }
  const nowMs = props.nowMs ?? Date.now();
  return (
    <ul className={classes.list} aria-label="Evidence sources">
      {sources.map(source => (
        <Typography
          key={source.source}
          component="li"
          variant={dense ? 'caption' : 'body2'}
          color={source.status === 'ok' ? 'textPrimary' : 'textSecondary'}
          className={source.status === 'failed' ? classes.failed : undefined}
        >
          <SourceText source={source} nowMs={nowMs} />
        </Typography>
      ))}
    </ul>
  );
}
