import Step from '@material-ui/core/Step';
import StepButton from '@material-ui/core/StepButton';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import type { Scorecard } from '../../api/MeshReadinessApi';

/** The program's phases as steps; completed phases are marked. */
export function PhaseStepper(props: {
  scorecard: Scorecard;
  selected: number;
  onSelect: (index: number) => void;
}) {
  const { scorecard, selected, onSelect } = props;
  return (
    <Stepper
      nonLinear
      alternativeLabel
      activeStep={selected}
      aria-label="Phases"
      style={{ backgroundColor: 'transparent' }}
    >
      {scorecard.phases.map((phase, index) => (
        <Step key={phase.id} completed={phase.complete}>
          <StepButton
            onClick={() => onSelect(index)}
            aria-current={index === selected ? 'step' : undefined}
            optional={
              <Typography variant="caption" color="textSecondary">
                {phase.requiredPassed}/{phase.requiredTotal} required
                {phase.notEvaluated > 0
                  ? ` · ${phase.notEvaluated} not evaluated`
                  : ''}
              </Typography>
            }
          >
            {phase.title}
          </StepButton>
        </Step>
      ))}
    </Stepper>
  );
}
