import { FormEvent, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { ChecklistResult } from '../../api/MeshReadinessApi';
import { useDialogSubmit } from './useDialogSubmit';

type AttestorRole = ChecklistResult['roles'][number];

/** What the attest dialog submits. */
export interface AttestInput {
  role: AttestorRole;
  evidenceUrl?: string;
  comment?: string;
}

// The backend accepts http(s) URLs and portal-relative paths only.
const EVIDENCE_URL = /^(https?:\/\/\S+|\/\S*)$/;

/**
 * Attests one checklist item: the role attested in, an evidence link and a
 * comment. A form, so Enter submits and Escape closes; every field labelled.
 */
export function AttestDialog(props: {
  item: ChecklistResult;
  /** The item's roles the user holds; only these are offered. */
  heldRoles: AttestorRole[];
  open: boolean;
  onClose: () => void;
  onSubmit: (input: AttestInput) => Promise<void>;
}) {
  const { item, heldRoles, open, onClose, onSubmit } = props;
  const [role, setRole] = useState<AttestorRole>(
    heldRoles[0] ?? item.roles[0] ?? 'owner',
  );
  const [evidenceUrl, setEvidenceUrl] = useState('');
  const [comment, setComment] = useState('');
  const { submitting, error, run } = useDialogSubmit();

  const trimmedUrl = evidenceUrl.trim();
  const urlInvalid = trimmedUrl !== '' && !EVIDENCE_URL.test(trimmedUrl);
  const titleId = `attest-dialog-title-${item.itemId}`;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (urlInvalid) {
      return;
    }
    await run(async () => {
      await onSubmit({
        role,
        evidenceUrl: trimmedUrl || undefined,
        comment: comment.trim() || undefined,
      });
      setEvidenceUrl('');
      setComment('');
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
        <DialogTitle id={titleId}>Attest: {item.title}</DialogTitle>
        <DialogContent>
          <DialogContentText>{item.description}</DialogContentText>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          <TextField
            select
            label="Role"
            value={role}
            onChange={e => setRole(e.target.value as AttestorRole)}
            fullWidth
            margin="normal"
            helperText="The role in which you attest this item: those you hold."
            SelectProps={{ id: `attest-role-${item.itemId}` }}
          >
            {heldRoles.map(r => (
              <MenuItem key={r} value={r}>
                {r}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            id={`attest-evidence-${item.itemId}`}
            label="Evidence link"
            value={evidenceUrl}
            onChange={e => setEvidenceUrl(e.target.value)}
            fullWidth
            margin="normal"
            type="url"
            error={urlInvalid}
            helperText={
              urlInvalid
                ? 'Use an http(s) URL or a portal path starting with /.'
                : 'A link to the review, ticket or document that proves it.'
            }
          />
          <TextField
            id={`attest-comment-${item.itemId}`}
            label="Comment"
            value={comment}
            onChange={e => setComment(e.target.value)}
            fullWidth
            margin="normal"
            multiline
            minRows={3}
            inputProps={{ maxLength: 4000 }}
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
            disabled={submitting || urlInvalid || heldRoles.length === 0}
          >
            {submitting ? 'Attesting…' : 'Attest'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
