import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { CheckResult } from '../../api/MeshReadinessApi';
import type { ActionPermission } from '../../hooks/useActionPermission';
import { formatDate } from '../shared/formatDate';
import { PlaybookTemplateLinks } from '../shared/PlaybookTemplateLinks';
import { StatusChip } from '../shared/StatusChip';
import { PermissionGate } from './PermissionGate';
import { FindingList } from './FindingList';
import { CheckLink } from './CheckLink';
import { useFocusHighlight } from './useFocusHighlight';
import { useFocusOnMount } from './useFocusOnMount';

const WAIVABLE = new Set(['fail', 'warn', 'unknown']);

/** The automatic checks of one phase with their evidence and remediation. */
export function PhaseChecks(props: {
  checks: CheckResult[];
  requestWaiverPermission: ActionPermission;
  onRequestWaiver: (item: { itemId: string; title: string }) => void;
  /** The check a link pointed at (`?check=`): expanded, shown, focused. */
  focusedCheckId?: string;
}) {
  const { checks, requestWaiverPermission, onRequestWaiver, focusedCheckId } =
    props;
  const classes = useFocusHighlight();
  const focusRef = useFocusOnMount<HTMLDivElement>(focusedCheckId);
  if (checks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This phase has no automatic checks.
      </Typography>
    );
  }
  return (
    <Box>
      {checks.map(check => {
        const focused = check.checkId === focusedCheckId;
        return (
          <Accordion
            // A newly focused check opens even if the list was shown before.
            key={focused ? `${check.checkId}:focused` : check.checkId}
            defaultExpanded={check.status === 'fail' || focused}
            TransitionProps={{ unmountOnExit: true }}
            className={focused ? classes.focused : undefined}
            aria-current={focused ? 'true' : undefined}
          >
            <AccordionSummary
              expandIcon={<ExpandMoreIcon />}
              aria-controls={`check-${check.checkId}-details`}
              id={`check-${check.checkId}-summary`}
              ref={focused ? focusRef : undefined}
            >
              <Box
                display="flex"
                alignItems="center"
                gridGap={8}
                flexWrap="wrap"
              >
                <StatusChip status={check.status} />
                <Typography variant="subtitle2" component="h4">
                  {check.title}
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  {check.checkId} · {check.severity} · evidence:{' '}
                  {check.evidence.join(', ')}
                </Typography>
              </Box>
            </AccordionSummary>
            {/* The Accordion's region carries the id the summary controls. */}
            <AccordionDetails>
              <Box
                display="flex"
                flexDirection="column"
                gridGap={8}
                width="100%"
              >
                <Typography variant="body2">{check.summary}</Typography>
                <FindingList findings={check.findings} />
                {check.status !== 'pass' && check.remediation && (
                  <Typography variant="body2">
                    <strong>Remediation:</strong> {check.remediation}
                  </Typography>
                )}
                <PlaybookTemplateLinks
                  playbook={check.playbook}
                  template={check.template}
                  showFragment={check.status !== 'pass'}
                  findings={check.findings}
                />
                <CheckLink
                  itemId={check.checkId}
                  title={check.title}
                  noun="check"
                />
                {check.waiver && (
                  <Typography variant="body2" color="textSecondary">
                    Waived until {formatDate(check.waiver.expiresAt)}
                    {check.waiver.decidedBy
                      ? `, approved by ${check.waiver.decidedBy}`
                      : ''}
                    : {check.waiver.justification}
                  </Typography>
                )}
                {WAIVABLE.has(check.status) && (
                  <Box>
                    <PermissionGate permission={requestWaiverPermission}>
                      {disabled => (
                        <Button
                          size="small"
                          variant="outlined"
                          disabled={disabled}
                          onClick={() =>
                            onRequestWaiver({
                              itemId: check.checkId,
                              title: check.title,
                            })
                          }
                          aria-label={`Request waiver for ${check.title}`}
                        >
                          Request waiver
                        </Button>
                      )}
                    </PermissionGate>
                  </Box>
                )}
              </Box>
            </AccordionDetails>
          </Accordion>
        );
      })}
    </Box>
  );
}
