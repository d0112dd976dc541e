export { SafeLink } from './SafeLink';
export type { SafeLinkProps } from './SafeLink';
export { safeHref } from './safeHref';
