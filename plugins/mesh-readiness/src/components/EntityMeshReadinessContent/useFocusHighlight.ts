import { makeStyles } from '@material-ui/core/styles';

/**
 * The look of the check or checklist item a link pointed at (`?check=`):
 * an outline and a background, so it is marked by more than colour alone.
 */
export const useFocusHighlight = makeStyles(theme => ({
  focused: {
    outline: `3px solid ${theme.palette.primary.main}`,
    outlineOffset: 2,
    backgroundColor: theme.palette.action.selected,
  },
}));
