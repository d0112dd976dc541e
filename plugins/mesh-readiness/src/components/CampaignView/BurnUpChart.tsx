import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { WaveCampaign } from '../../api/MeshReadinessApi';
import { burnUpRows, formatDay } from './burnUpData';

/**
 * The wave's burn-up: services at the target per day against the services
 * in scope, the ideal line from the start to everyone at the due date, and
 * the due date marked.
 */
export function BurnUpChart(props: {
  campaign: WaveCampaign;
  targetTitle: string;
}) {
  const { campaign, targetTitle } = props;
  const theme = useTheme();
  const rows = burnUpRows(campaign);
  const dueTime = Date.parse(`${campaign.wave.dueDate.slice(0, 10)}T00:00:00Z`);
  const first = rows[0].time;
  const last = Math.max(rows[rows.length - 1].time, dueTime);
  const summaryId = 'campaign-burn-up-summary';
  // A campaign whose history starts today has one day: dots show it.
  const countDot = campaign.series.length < 2 ? { r: 4 } : false;
  return (
    <>
      <Typography variant="body2" color="textSecondary" id={summaryId}>
        {campaign.atTarget} of {campaign.total} services at {targetTitle} or
        beyond today; the ideal line reaches all {campaign.total} on the due
        date, {formatDay(campaign.wave.dueDate)}. Counted per day since{' '}
        {formatDay(campaign.start)}.
      </Typography>
      <ResponsiveContainer width="100%" height={300}>
        <LineChart
          data={rows}
          margin={{ top: 24, right: 32, bottom: 8, left: 8 }}
          aria-describedby={summaryId}
        >
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={[first, last]}
            tickFormatter={t => formatDay(Number(t))}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            allowDecimals={false}
            domain={[0, Math.max(1, campaign.total)]}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip
            labelFormatter={t => formatDay(Number(t))}
            formatter={(value, name) =>
              name === 'Ideal' ? Math.round(Number(value) * 10) / 10 : value
            }
            contentStyle={{
              backgroundColor: theme.palette.background.paper,
              color: theme.palette.text.primary,
              borderColor: theme.palette.divider,
            }}
          />
          <Legend />
          <ReferenceLine
            x={dueTime}
            stroke={theme.palette.error.main}
            strokeDasharray="4 4"
            label={{
              value: `Due ${formatDay(campaign.wave.dueDate)}`,
              position: 'insideTopRight',
              fill: theme.palette.text.primary,
            }}
          />
          <Line
            type="stepAfter"
            dataKey="inScope"
            name="In scope"
            stroke={theme.palette.text.secondary}
            strokeWidth={1}
            dot={countDot}
            isAnimationActive={false}
          />
          <Line
            type="stepAfter"
            dataKey="atTarget"
            name={`At ${targetTitle}`}
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={countDot}
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="ideal"
            name="Ideal"
            stroke={theme.palette.success.main}
            strokeDasharray="6 3"
            strokeWidth={1}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
