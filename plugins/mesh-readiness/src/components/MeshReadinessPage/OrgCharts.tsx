import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { OrgSummary } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatDate } from '../shared/formatDate';

function useTooltipStyle() {
  const theme = useTheme();
  return {
    backgroundColor: theme.palette.background.paper,
    color: theme.palette.text.primary,
    borderColor: theme.palette.divider,
  };
}

/** Services per phase, in phase order, as horizontal bars. */
export function FunnelChart(props: {
  funnel: OrgSummary['funnel'];
  phaseTitle: PhaseTitleFn;
  programId?: string;
}) {
  const theme = useTheme();
  const tooltipStyle = useTooltipStyle();
  const data = props.funnel.map(c => ({
    phase: props.phaseTitle(c.phase, props.programId),
    count: c.count,
  }));
  return (
    <>
      <Typography variant="body2" color="textSecondary" id="funnel-summary">
        {data.map(d => `${d.phase}: ${d.count}`).join(' · ')}
      </Typography>
      <ResponsiveContainer width="100%" height={60 + data.length * 40}>
        <BarChart
          data={data}
          layout="vertical"
          margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
          aria-describedby="funnel-summary"
        >
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis
            type="number"
            allowDecimals={false}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            type="category"
            dataKey="phase"
            width={110}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip contentStyle={tooltipStyle} />
          <Bar
            dataKey="count"
            name="Services"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </>
  );
}

// Distinguishable series colours drawn from the theme, so that they follow
// the light and dark palettes.
function seriesColours(theme: Theme): string[] {
  return [
    theme.palette.text.disabled,
    theme.palette.info.main,
    theme.palette.primary.main,
    theme.palette.warning.main,
    theme.palette.success.main,
    theme.palette.secondary.main,
    theme.palette.error.main,
  ];
}

/** Services per phase at the end of each day, stacked. */
export function TrendChart(props: {
  trend: OrgSummary['trend'];
  phaseOrder: string[];
  phaseTitle: PhaseTitleFn;
  programId?: string;
}) {
  const theme = useTheme<Theme>();
  const tooltipStyle = useTooltipStyle();
  const colours = seriesColours(theme);
  if (props.trend.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No trend recorded yet.
      </Typography>
    );
  }
  const phases = [...props.phaseOrder];
  for (const point of props.trend) {
    for (const c of point.phases) {
      if (!phases.includes(c.phase)) {
        phases.push(c.phase);
      }
    }
  }
  const data = props.trend.map(point => {
    const row: Record<string, number | string> = { date: point.date };
    for (const c of point.phases) {
      row[c.phase] = c.count;
    }
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height={280}>
      <AreaChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="date"
          tickFormatter={d => formatDate(String(d))}
          stroke={theme.palette.text.secondary}
        />
        <YAxis allowDecimals={false} stroke={theme.palette.text.secondary} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelFormatter={d => formatDate(String(d))}
        />
        <Legend />
        {phases.map((phase, index) => (
          <Area
            key={phase}
            type="monotone"
            dataKey={phase}
            name={props.phaseTitle(phase, props.programId)}
            stackId="phases"
            stroke={colours[index % colours.length]}
            fill={colours[index % colours.length]}
            isAnimationActive={false}
          />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}
