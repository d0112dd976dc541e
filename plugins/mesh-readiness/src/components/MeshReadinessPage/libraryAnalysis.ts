import type { Program } from '../../api/MeshReadinessApi';
import { safeHref } from '../SafeLink';
import { templateEntityRef } from '../shared/templates';

type Spec = Program['spec'];
type Playbook = Spec['playbooks'][number];
type Template = Spec['templates'][number];

/** A check or checklist item of a program with its resolved links. */
export interface LibraryItem {
  kind: 'check' | 'checklist';
  id: string;
  title: string;
  phase: string;
  severity: string;
  playbookId?: string;
  templateId?: string;
  playbook?: Playbook;
  template?: Template;
}

/** A reference from an item to a playbook or template that does not work. */
export interface BrokenReference {
  itemId: string;
  what: 'playbook' | 'template';
  ref: string;
  reason: string;
}

/** A catalog entity a link relies on; checked against the catalog later. */
export interface CatalogReference {
  itemId: string;
  what: 'playbook' | 'template';
  ref: string;
  entityRef: string;
}

export interface LibraryAnalysis {
  items: LibraryItem[];
  /** Checks without a playbook or template; checklist items without a playbook. */
  gaps: LibraryItem[];
  broken: BrokenReference[];
  catalogRefs: CatalogReference[];
}

/** `/docs/ns/kind/name/...` → `kind:ns/name`, for TechDocs playbooks. */
function techDocsEntityRef(url: string): string | undefined {
  const match = /^\/docs\/([^/]+)\/([^/]+)\/([^/?#]+)/.exec(url);
  return match
    ? `${decodeURIComponent(match[2]).toLocaleLowerCase(
        'en-US',
      )}:${decodeURIComponent(match[1])}/${decodeURIComponent(match[3])}`
    : undefined;
}

/**
 * Lists every check and checklist item of a program with its playbook and
 * template, the coverage gaps, and the references that cannot work: ids
 * that name no playbook or template, links that are not http(s) or
 * relative, templates with neither a Scaffolder ref nor a fragment. Links
 * into the catalog (TechDocs pages, Scaffolder templates) are returned for
 * the caller to look up.
 */
export function analyzeLibrary(program: Program): LibraryAnalysis {
  const { spec } = program;
  const playbooks = new Map(spec.playbooks.map(p => [p.id, p]));
  const templates = new Map(spec.templates.map(t => [t.id, t]));
  const items: LibraryItem[] = [
    ...spec.checks.map(c => ({
      kind: 'check' as const,
      id: c.id,
      title: c.title,
      phase: c.phase,
      severity: c.severity,
      playbookId: c.playbook,
      templateId: c.template,
    })),
    ...spec.checklist.map(i => ({
      kind: 'checklist' as const,
      id: i.id,
      title: i.title,
      phase: i.phase,
      severity: i.severity,
      playbookId: i.playbook,
      templateId: i.template,
    })),
  ].map(item => ({
    ...item,
    playbook: item.playbookId ? playbooks.get(item.playbookId) : undefined,
    template: item.templateId ? templates.get(item.templateId) : undefined,
  }));

  const broken: BrokenReference[] = [];
  const catalogRefs: CatalogReference[] = [];
  for (const item of items) {
    if (item.playbookId && !item.playbook) {
      broken.push({
        itemId: item.id,
        what: 'playbook',
        ref: item.playbookId,
        reason: 'No playbook with this id in the program.',
      });
    }
    if (item.templateId && !item.template) {
      broken.push({
        itemId: item.id,
        what: 'template',
        ref: item.templateId,
        reason: 'No template with this id in the program.',
      });
    }
    if (item.playbook) {
      const { url } = item.playbook;
      if (!safeHref(url)) {
        broken.push({
          itemId: item.id,
          what: 'playbook',
          ref: url,
          reason: 'Only http(s) and relative links are allowed.',
        });
      } else {
        const entityRef = techDocsEntityRef(url);
        if (entityRef) {
          catalogRefs.push({
            itemId: item.id,
            what: 'playbook',
            ref: url,
            entityRef,
          });
        }
      }
    }
    if (item.template) {
      const { templateRef, fragment } = item.template;
      if (templateRef) {
        const entityRef = templateEntityRef(templateRef);
        if (!entityRef) {
          broken.push({
            itemId: item.id,
            what: 'template',
            ref: templateRef,
            reason: 'Not a Scaffolder template ref (template:namespace/name).',
          });
        } else {
          catalogRefs.push({
            itemId: item.id,
            what: 'template',
            ref: templateRef,
            entityRef,
          });
        }
      } else if (!fragment) {
        broken.push({
          itemId: item.id,
          what: 'template',
          ref: item.template.id,
          reason: 'The template has neither a Scaffolder ref nor a fragment.',
        });
      }
    }
  }
  // Checks need both a how-to and a template; manual checklist items need a
  // playbook only (there is usually nothing to scaffold for a review).
  const gaps = items.filter(
    i => !i.playbookId || (i.kind === 'check' && !i.templateId),
  );
  return { items, gaps, broken, catalogRefs };
}
