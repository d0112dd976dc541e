import { FormEvent, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useDialogSubmit } from './useDialogSubmit';

/** What the waiver dialog submits. */
export interface WaiverInput {
  justification: string;
  compensatingControl?: string;
  /** ISO timestamp: the end of the chosen day, UTC. */
  expiresAt: string;
}

function todayIsoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Requests a waiver for a check or checklist item: justification,
 * compensating control and expiry date.
 */
export function WaiverRequestDialog(props: {
  itemId: string;
  itemTitle: string;
  open: boolean;
  onClose: () => void;
  onSubmit: (input: WaiverInput) => Promise<void>;
}) {
  const { itemId, itemTitle, open, onClose, onSubmit } = props;
  const [justification, setJustification] = useState('');
  const [compensatingControl, setCompensatingControl] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [touched, setTouched] = useState(false);
  const { submitting, error, run } = useDialogSubmit();

  const today = todayIsoDate(new Date());
  const justificationMissing = justification.trim() === '';
  let expiryProblem: string | undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) {
    expiryProblem = 'Choose the date on which the waiver ends.';
  } else if (expiresOn <= today) {
    expiryProblem = 'The waiver must end after today.';
  }
  const titleId = `waiver-dialog-title-${itemId}`;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (justificationMissing || expiryProblem) {
      return;
    }
    await run(async () => {
      await onSubmit({
        justification: justification.trim(),
        compensatingControl: compensatingControl.trim() || undefined,
        expiresAt: new Date(`${expiresOn}T23:59:59.000Z`).toISOString(),
      });
      setJustification('');
      setCompensatingControl('');
      setExpiresOn('');
      setTouched(false);
    });
  };

  return (
    <Dialog
      open={open}
      onClose={submitting ? undefined : onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={handleSubmit} noValidate>
        <DialogTitle id={titleId}>Request a waiver: {itemTitle}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            A waiver counts as passed once approved, until it expires.
          </DialogContentText>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <TextField
            id={`waiver-justification-${itemId}`}
            label="Justification"
            value={justification}
            onChange={e => setJustification(e.target.value)}
            required
            fullWidth
            margin="normal"
            multiline
            minRows={3}
            inputProps={{ maxLength: 4000 }}
            error={touched && justificationMissing}
            helperText={
              touched && justificationMissing
                ? 'Say why the item cannot be met now.'
                : 'Why the item cannot be met now.'
            }
          />
          <TextField
            id={`waiver-control-${itemId}`}
            label="Compensating control"
            value={compensatingControl}
            onChange={e => setCompensatingControl(e.target.value)}
            fullWidth
            margin="normal"
            multiline
            minRows={2}
            inputProps={{ maxLength: 4000 }}
            helperText="What limits the risk meanwhile."
          />
          <TextField
            id={`waiver-expiry-${itemId}`}
            label="Expires on"
            type="date"
            value={expiresOn}
            onChange={e => setExpiresOn(e.target.value)}
            required
            fullWidth
            margin="normal"
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: today }}
            error={touched && Boolean(expiryProblem)}
            helperText={touched && expiryProblem ? expiryProblem : undefined}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={submitting}>
            Cancel
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={submitting}
          >
            {submitting ? 'Requesting…' : 'Request waiver'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
