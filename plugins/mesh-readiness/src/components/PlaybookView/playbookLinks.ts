/** Playbook ids: lower-case words joined by dashes (folder names of the pages). */
const PLAYBOOK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The base path of the playbook view, from the current location: the view
 * is mounted at `<page>/playbooks[/<id>]`, wherever the app mounts the page.
 */
export function playbooksBasePath(pathname: string): string {
  const match = /^(.*?\/playbooks)(?:\/[^/]*)?\/?$/.exec(pathname);
  return match ? match[1] : `${pathname.replace(/\/$/, '')}/playbooks`;
}

/**
 * Where a link inside a playbook page goes. The pages link to each other
 * the way mkdocs resolves them (`k8s-probes/index.md` from the overview,
 * `../k8s-probes/index.md` or `../k8s-probes/` between pages); those become
 * paths of the playbook view. Anything else (absolute URLs, portal paths
 * such as `/create/templates/...`, anchors) is returned unchanged, for the
 * caller's safe-link rule to accept or refuse.
 */
export function playbookHref(href: string, basePath: string): string {
  if (
    /^[a-z][a-z0-9+.-]*:/i.test(href) ||
    href.startsWith('/') ||
    href.startsWith('#')
  ) {
    return href;
  }
  const [path, hash] = href.split('#', 2);
  const segments = path
    .split('/')
    .filter(s => s !== '' && s !== '.' && s !== '..' && s !== 'index.md');
  const last = segments[segments.length - 1]?.replace(/\.md$/, '');
  const target = segments.length === 0 ? 'index' : last;
  if (segments.length > 1 || !target || !PLAYBOOK_ID.test(target)) {
    return href;
  }
  return `${basePath}/${target}${hash ? `#${hash}` : ''}`;
}
