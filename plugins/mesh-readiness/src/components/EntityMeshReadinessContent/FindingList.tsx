import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { Finding } from '../../api/MeshReadinessApi';

type ResourceRef = NonNullable<Finding['resource']>;
import { SafeLink } from '../SafeLink';

function resourceName(resource: ResourceRef): string {
  const ns = resource.namespace ? `${resource.namespace}/` : '';
  return `${resource.kind} ${ns}${resource.name}`;
}

function location(finding: Finding): string | undefined {
  if (!finding.file) {
    return undefined;
  }
  return finding.line ? `${finding.file}:${finding.line}` : finding.file;
}

/** The evidence behind a check: resource, file and line, linked when known. */
export function FindingList(props: { findings: Finding[] }) {
  if (props.findings.length === 0) {
    return null;
  }
  return (
    <List dense disablePadding aria-label="Evidence">
      {props.findings.map((finding, index) => {
        const where = location(finding);
        return (
          <ListItem key={index} disableGutters>
            <ListItemText
              primary={
                <>
                  {finding.code && <code>{finding.code} </code>}
                  {finding.message}
                </>
              }
              secondary={
                <>
                  {finding.resource && (
                    <Typography variant="caption" component="span">
                      {resourceName(finding.resource)}
                      {where ? ' · ' : ''}
                    </Typography>
                  )}
                  {where && (
                    <Typography variant="caption" component="span">
                      <SafeLink to={finding.url}>{where}</SafeLink>
                    </Typography>
                  )}
                  {finding.remediation && (
                    <Typography
                      variant="caption"
                      component="span"
                      display="block"
                    >
                      Fix: {finding.remediation}
                    </Typography>
                  )}
                </>
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
}
