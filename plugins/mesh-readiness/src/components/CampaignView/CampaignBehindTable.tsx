import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  entityRouteRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import type { CampaignService } from '../../api/MeshReadinessApi';
import { formatDateTime } from '../shared/formatDate';
import { PhaseBadge } from '../shared/PhaseBadge';

const ACTIVITY: Record<
  NonNullable<CampaignService['lastActivity']>['kind'],
  string
> = {
  change: 'scorecard changed',
  attestation: 'attestation',
  waiver: 'waiver',
};

/** The link to a service's Mesh readiness tab. */
function useScorecardTabLink() {
  const entityRoute = useRouteRef(entityRouteRef);
  return (entityRef: string) => {
    const ref = parseEntityRef(entityRef);
    return `${entityRoute({
      namespace: ref.namespace,
      kind: ref.kind.toLocaleLowerCase('en-US'),
      name: ref.name,
    })}/mesh-readiness`;
  };
}

/** The wave's services below its target, each linked to its scorecard tab. */
export function CampaignBehindTable(props: {
  services: CampaignService[];
  totalCount: number;
  phaseTitle: (phase: string) => string;
}) {
  const { services, totalCount, phaseTitle } = props;
  const tabLink = useScorecardTabLink();
  if (totalCount === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Every service of the wave has reached its target.
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="Services behind">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Phase</TableCell>
            <TableCell align="right">Failing required checks</TableCell>
            <TableCell>Last activity</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {services.map(service => (
            <TableRow key={service.entityRef}>
              <TableCell>
                <Link to={tabLink(service.entityRef)}>
                  {service.title ??
                    humanizeEntityRef(parseEntityRef(service.entityRef), {
                      defaultKind: 'component',
                    })}
                </Link>
              </TableCell>
              <TableCell>
                {service.owner ? (
                  <EntityRefLink entityRef={service.owner} />
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>
                <PhaseBadge
                  size="small"
                  phase={service.phase}
                  title={phaseTitle(service.phase)}
                />
              </TableCell>
              <TableCell align="right">{service.failingChecks}</TableCell>
              <TableCell>
                {service.lastActivity
                  ? `${formatDateTime(service.lastActivity.at)} (${
                      ACTIVITY[service.lastActivity.kind]
                    })`
                  : 'none recorded'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {totalCount > services.length && (
        <Typography variant="caption" color="textSecondary">
          The {services.length} furthest behind of {totalCount}.
        </Typography>
      )}
    </>
  );
}
