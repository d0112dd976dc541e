import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CopyTextButton, Link } from '@backstage/core-components';
import { useLocation } from 'react-router-dom';
import { checkDeepLink } from './checkDeepLink';

/** A check's link to itself on this tab, with a button that copies it. */
export function CheckLink(props: { checkId: string; title: string }) {
  const { checkId, title } = props;
  const { pathname } = useLocation();
  const link = checkDeepLink(pathname, checkId);
  // The page's own address (with the app's base path, if any), this query.
  const absolute = new URL(link.slice(pathname.length), window.location.href);
  return (
    <Box display="flex" alignItems="center" gridGap={4}>
      <Typography variant="caption">
        <Link to={link} aria-label={`Link to the check ${title}`}>
          Link to this check
        </Link>
      </Typography>
      <CopyTextButton
        text={absolute.toString()}
        tooltipText="Link copied"
        aria-label={`Copy the link to the check ${title}`}
      />
    </Box>
  );
}
