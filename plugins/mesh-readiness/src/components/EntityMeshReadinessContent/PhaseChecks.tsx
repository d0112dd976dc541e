import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { CheckResult } from '../../api/MeshReadinessApi';
import type { ActionPermission } from '../../hooks/useActionPermission';
import { formatDate } from '../shared/formatDate';
import { PlaybookTemplateLinks } from '../shared/PlaybookTemplateLinks';
import { RequestWaiverButton, WaiverTarget } from './RequestWaiverButton';
import { FindingList } from './FindingList';
import { ItemHeading } from './ItemHeading';
import { CheckLink } from './CheckLink';
import { useFocusHighlight } from './useFocusHighlight';
import { useFocusOnMount } from './useFocusOnMount';

const WAIVABLE = new Set(['fail', 'warn', 'unknown']);

/** The automatic checks of one phase with their evidence and remediation. */
export function PhaseChecks(props: {
  checks: CheckResult[];
  requestWaiverPermission: ActionPermission;
  onRequestWaiver: (item: WaiverTarget) => void;
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
              <ItemHeading
                status={check.status}
                title={check.title}
                details={`${check.checkId} · ${
                  check.severity
                } · evidence: ${check.evidence.join(', ')}`}
              />
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
                    <RequestWaiverButton
                      target={{ itemId: check.checkId, title: check.title }}
                      permission={requestWaiverPermission}
                      onRequestWaiver={onRequestWaiver}
                    />
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
