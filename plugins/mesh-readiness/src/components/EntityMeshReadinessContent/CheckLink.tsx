import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CopyTextButton, Link } from '@backstage/core-components';
import { useLocation } from 'react-router-dom';
import { checkDeepLink } from './checkDeepLink';

/**
 * A check's or checklist item's link to itself on this tab, with a button
 * that copies it.
 */
export function CheckLink(props: {
  itemId: string;
  title: string;
  noun: 'check' | 'item';
}) {
  const { itemId, title, noun } = props;
  const { pathname } = useLocation();
  const link = checkDeepLink(pathname, itemId);
  // The page's own address (with the app's base path, if any), this query.
  const absolute = new URL(link.slice(pathname.length), window.location.href);
  return (
    <Box display="flex" alignItems="center" gridGap={4}>
      <Typography variant="caption">
        <Link to={link} aria-label={`Link to the ${noun} ${title}`}>
          Link to this {noun}
        </Link>
      </Typography>
      <CopyTextButton
        text={absolute.toString()}
        tooltipText="Link copied"
        aria-label={`Copy the link to the ${noun} ${title}`}
      />
    </Box>
  );
}
