import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { safeHref } from './safeHref';

/** Props of {@link SafeLink}. */
export interface SafeLinkProps {
  to: string | undefined | null;
  children: ReactNode;
  /** Shown as plain text after the children when the target is unsafe. */
  showRejectedUrl?: boolean;
}

/**
 * Renders a link only for http(s) and relative targets; anything else is
 * rendered as plain text so that the content stays readable but inert.
 */
export function SafeLink(props: SafeLinkProps) {
  const { to, children, showRejectedUrl } = props;
  const href = safeHref(to);
  if (!href) {
    return (
      <span>
        {children}
        {showRejectedUrl && to ? ` (${to})` : null}
      </span>
    );
  }
  return <Link to={href}>{children}</Link>;
}
