import type { ReactNode } from 'react';
import { Link } from '@backstage/core-components';

/**
 * An aggregate (a count, a team, a check) that opens the services behind
 * it; plain content when the services list is not mounted in the app.
 */
export function DrillDownLink(props: {
  to: string | undefined;
  /** The accessible name, e.g. "Expand: 4 services". */
  label?: string;
  children: ReactNode;
}) {
  if (!props.to) {
    return <>{props.children}</>;
  }
  return (
    <Link to={props.to} aria-label={props.label}>
      {props.children}
    </Link>
  );
}
