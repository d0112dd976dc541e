import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { safeHref } from './safeHref';

/**
 * Props of {@link SafeLink}.
 *
 * @public
 */
export interface SafeLinkProps {
  /** The link target, of any origin. */
  to: string | undefined | null;
  /** The link text. */
  children: ReactNode;
  /** Shown as plain text after the children when the target is unsafe. */
  showRejectedUrl?: boolean;
}

/**
 * Renders a link only for http(s) and relative targets; anything else is
 * rendered as plain text so that the content stays readable but inert.
 *
 * @public
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
