import type { KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
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
import { servicesCount } from '../ServicesList/servicesCount';

function useTooltipStyle() {
  const theme = useTheme();
  return {
    backgroundColor: theme.palette.background.paper,
    color: theme.palette.text.primary,
    borderColor: theme.palette.divider,
  };
}

type Rect = { x: number; y: number; width: number; height: number };

/**
 * One bar of the funnel. With a link, the whole row of the phase (the bar
 * and the empty band behind it, so that a phase with no service can still
 * be opened) is a link: clickable, focusable and opened with Enter or Space,
 * named "<phase>: <n> services".
 */
function PhaseBar(
  props: Rect & {
    fill: string;
    background?: Rect;
    payload: { phaseTitle: string; count: number; href?: string };
    onOpen: (href: string) => void;
    focusColour: string;
  },
) {
  const { x, y, width, height, fill, background, payload } = props;
  const bar = (
    <rect x={x} y={y} width={Math.max(0, width)} height={height} fill={fill} />
  );
  const href = payload.href;
  if (!href) {
    return bar;
  }
  const band = background ?? { x, y, width, height };
  const open = () => props.onOpen(href);
  const onKeyDown = (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  };
  return (
    <g
      role="link"
      tabIndex={0}
      aria-label={`${payload.phaseTitle}: ${servicesCount(payload.count)}`}
      onClick={open}
      onKeyDown={onKeyDown}
      style={{ cursor: 'pointer', outlineColor: props.focusColour }}
    >
      <rect {...band} fill="transparent" />
      {bar}
    </g>
  );
}

/**
 * Services per phase, in phase order, as horizontal bars. With `phaseLink`,
 * each bar opens the services in that phase.
 */
export function FunnelChart(props: {
  funnel: OrgSummary['funnel'];
  phaseTitle: PhaseTitleFn;
  programId?: string;
  phaseLink?: (phase: string) => string | undefined;
}) {
  const theme = useTheme();
  const navigate = useNavigate();
  const tooltipStyle = useTooltipStyle();
  const data = props.funnel.map(c => ({
    phaseTitle: props.phaseTitle(c.phase, props.programId),
    count: c.count,
    href: props.phaseLink?.(c.phase),
  }));
  return (
    <>
      <Typography variant="body2" color="textSecondary" id="funnel-summary">
        {data.map(d => `${d.phaseTitle}: ${d.count}`).join(' · ')}
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
            dataKey="phaseTitle"
            width={110}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip contentStyle={tooltipStyle} />
          <Bar
            dataKey="count"
            name="Services"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
            background={{ fill: 'transparent' }}
            shape={(shapeProps: unknown) => (
              <PhaseBar
                {...(shapeProps as Parameters<typeof PhaseBar>[0])}
                onOpen={href => navigate(href)}
                focusColour={theme.palette.primary.dark}
              />
            )}
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
