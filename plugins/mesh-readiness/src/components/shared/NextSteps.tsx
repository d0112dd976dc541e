import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { NextStep } from '../../api/MeshReadinessApi';
import { PlaybookTemplateLinks } from './PlaybookTemplateLinks';
import { StatusChip } from './StatusChip';

/** The first failing items with what to do about each. */
export function NextSteps(props: { steps: NextStep[]; limit?: number }) {
  const steps = props.steps.slice(0, props.limit ?? 3);
  if (steps.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No open steps.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Next steps">
      {steps.map(step => (
        <ListItem key={`${step.kind}:${step.itemId}`} disableGutters divider>
          <ListItemText
            disableTypography
            primary={
              <Box display="flex" alignItems="center" gridGap={8}>
                <StatusChip status={step.status} />
                <Typography variant="subtitle2" component="span">
                  {step.title}
                </Typography>
                {step.kind === 'checklist' && (
                  <Typography variant="caption" color="textSecondary">
                    checklist
                  </Typography>
                )}
              </Box>
            }
            secondary={
              <Box mt={0.5}>
                {step.remediation && (
                  <Typography variant="body2" color="textSecondary">
                    {step.remediation}
                  </Typography>
                )}
                <PlaybookTemplateLinks
                  playbook={step.playbook}
                  template={step.template}
                />
              </Box>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
