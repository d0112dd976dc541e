import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { HistoryEntry, Scorecard } from '../../api/MeshReadinessApi';
import { formatDate, formatDateTime } from '../shared/formatDate';
import { phaseTitle } from '../shared/phases';
import { historyAxis } from './historyAxis';
import { historySeries } from './historySeries';

/** The entity's phase and passing checks over time. */
export function HistoryChart(props: {
  scorecard: Scorecard;
  entries: HistoryEntry[];
}) {
  const { scorecard, entries } = props;
  const theme = useTheme();
  if (entries.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No changes recorded yet.
      </Typography>
    );
  }
  const points = historySeries(scorecard, entries);
  const phaseIds = ['not-started', ...scorecard.phases.map(p => p.id)];
  const first = points[0];
  const axis = historyAxis(points.map(p => p.time));
  return (
    <>
      <Typography variant="body2" color="textSecondary" id="history-summary">
        {entries.length} recorded change{entries.length === 1 ? '' : 's'} since{' '}
        {formatDate(new Date(first.time).toISOString())}.
      </Typography>
      <ResponsiveContainer width="100%" height={280}>
        <LineChart
          data={points}
          margin={{ top: 16, right: 24, bottom: 8, left: 8 }}
          aria-describedby="history-summary"
        >
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={axis.domain}
            ticks={axis.ticks}
            tickFormatter={t => formatDate(new Date(t).toISOString())}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            yAxisId="phase"
            type="number"
            domain={[0, phaseIds.length - 1]}
            ticks={phaseIds.map((_, i) => i)}
            tickFormatter={i => phaseTitle(scorecard, phaseIds[i])}
            width={96}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            yAxisId="checks"
            orientation="right"
            allowDecimals={false}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip
            labelFormatter={t => formatDateTime(new Date(t).toISOString())}
            formatter={(value, name) =>
              name === 'Phase'
                ? phaseTitle(scorecard, phaseIds[Number(value)])
                : value
            }
            contentStyle={{
              backgroundColor: theme.palette.background.paper,
              color: theme.palette.text.primary,
              borderColor: theme.palette.divider,
            }}
          />
          <Legend />
          <Line
            yAxisId="phase"
            type="stepAfter"
            dataKey="phaseIndex"
            name="Phase"
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            isAnimationActive={false}
          />
          <Line
            yAxisId="checks"
            type="monotone"
            dataKey="passingChecks"
            name="Passing checks"
            stroke={theme.palette.secondary.main}
            strokeWidth={2}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
