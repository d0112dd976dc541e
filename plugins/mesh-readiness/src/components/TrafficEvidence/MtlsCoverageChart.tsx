import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
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
import {
  meshReadinessApiRef,
  type TrafficCoveragePoint,
} from '../../api/MeshReadinessApi';
import { formatDate } from '../shared/formatDate';
import { formatCount, formatShare } from './trafficFormat';

const REQUESTS = 'HTTP requests over mTLS';
const CONNECTIONS = 'TCP connections over mTLS';

/** The latest day's figures in words (also the chart's description). */
function latestText(point: TrafficCoveragePoint): string {
  const parts: string[] = [];
  if (point.mtlsShare !== undefined)
    parts.push(
      `${formatShare(point.mtlsShare)} of ${formatCount(
        point.requests,
      )} requests`,
    );
  if (point.connectionsMtlsShare !== undefined)
    parts.push(
      `${formatShare(point.connectionsMtlsShare)} of ${formatCount(
        point.connections,
      )} connections`,
    );
  const shares = parts.length > 0 ? parts.join(' · ') : 'no traffic observed';
  return `${formatDate(point.date)}: ${shares} over mTLS, across ${formatCount(
    point.entities,
  )} services with metrics`;
}

/**
 * Props of {@link MtlsCoverageChart}.
 *
 * @public
 */
export interface MtlsCoverageChartProps {
  /** Days of coverage to show, today included (default 30). */
  days?: number;
}

/**
 * The organisation's mTLS coverage over time: per day, the share of the
 * service-to-service requests (and TCP connections) over mTLS, summed over
 * the services with metrics evidence, as the backend recorded it.
 */
export function MtlsCoverageChart(props: MtlsCoverageChartProps) {
  const api = useApi(meshReadinessApiRef);
  const theme = useTheme<Theme>();
  const days = props.days ?? 30;
  const coverage = useAsync(
    () => api.getTrafficCoverage({ days }),
    [api, days],
  );

  if (coverage.loading) return <Progress />;
  if (coverage.error) return <ResponseErrorPanel error={coverage.error} />;
  const points = coverage.value?.points ?? [];
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No mTLS coverage recorded in the last {days} days. It is recorded by
        each evaluation run from the metrics evidence (a Prometheus module, or
        bundles pushed by <code>mesh-readiness collect --prometheus</code>).
      </Typography>
    );
  }
  const data = points.map(point => ({
    date: point.date,
    [REQUESTS]:
      point.mtlsShare === undefined
        ? null
        : +(point.mtlsShare * 100).toFixed(2),
    [CONNECTIONS]:
      point.connectionsMtlsShare === undefined
        ? null
        : +(point.connectionsMtlsShare * 100).toFixed(2),
  }));
  const hasConnections = points.some(p => p.connectionsMtlsShare !== undefined);
  const hasRequests = points.some(p => p.mtlsShare !== undefined);
  return (
    <>
      <Typography
        variant="body2"
        color="textSecondary"
        id="mtls-coverage-summary"
      >
        {latestText(points[points.length - 1])}
      </Typography>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart
          data={data}
          margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
          aria-describedby="mtls-coverage-summary"
        >
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis
            dataKey="date"
            tickFormatter={d => formatDate(String(d))}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            domain={[0, 100]}
            unit=" %"
            stroke={theme.palette.text.secondary}
          />
          <Tooltip
            contentStyle={{
              backgroundColor: theme.palette.background.paper,
              color: theme.palette.text.primary,
              borderColor: theme.palette.divider,
            }}
            labelFormatter={d => formatDate(String(d))}
            formatter={(value: number) => `${value} %`}
          />
          <Legend />
          {hasRequests && (
            <Line
              type="monotone"
              dataKey={REQUESTS}
              stroke={theme.palette.primary.main}
              connectNulls={false}
              isAnimationActive={false}
            />
          )}
          {hasConnections && (
            <Line
              type="monotone"
              dataKey={CONNECTIONS}
              stroke={theme.palette.info.main}
              connectNulls={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
