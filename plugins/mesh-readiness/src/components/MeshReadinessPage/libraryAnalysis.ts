import type { Program } from '../../api/MeshReadinessApi';
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

/** A link of an item that does not work: its catalog entity is missing. */
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
 * template, the coverage gaps, and the links into the catalog (TechDocs
 * pages, Scaffolder templates) for the caller to look up. A served program
 * passed common's validation (programReferences and the program schema):
 * every playbook and template id resolves, links are http(s) or relative,
 * a template has a Scaffolder ref or a fragment, so only the catalog can
 * still be missing what a link names.
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

  const catalogRefs: CatalogReference[] = [];
  for (const item of items) {
    const playbookRef = item.playbook && techDocsEntityRef(item.playbook.url);
    if (item.playbook && playbookRef) {
      catalogRefs.push({
        itemId: item.id,
        what: 'playbook',
        ref: item.playbook.url,
        entityRef: playbookRef,
      });
    }
    const templateRef = item.template?.templateRef;
    const templateEntity = templateRef && templateEntityRef(templateRef);
    if (templateRef && templateEntity) {
      catalogRefs.push({
        itemId: item.id,
        what: 'template',
        ref: templateRef,
        entityRef: templateEntity,
      });
    }
  }
  // Checks need both a how-to and a template; manual checklist items need a
  // playbook only (there is usually nothing to scaffold for a review).
  const gaps = items.filter(
    i => !i.playbookId || (i.kind === 'check' && !i.templateId),
  );
  return { items, gaps, catalogRefs };
}
