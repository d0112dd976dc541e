/*
 * The playbooks ship as one TechDocs site: the overview page
 * (playbooks/index.md) and the site's navigation (mkdocs.yml at the
 * repository root) must list every page, so that a page added for a new
 * check is reachable from both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const PLAYBOOKS_DIR = path.resolve(__dirname, '../../playbooks');
const MKDOCS = path.resolve(__dirname, '../../../../mkdocs.yml');

const pages = fs
  .readdirSync(PLAYBOOKS_DIR, { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => `${entry.name}/index.md`)
  .sort();

function navTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(navTargets);
  if (node && typeof node === 'object')
    return Object.values(node).flatMap(navTargets);
  return [];
}

describe('the playbooks site', () => {
  it('has a page (index.md) in every folder', () => {
    for (const page of pages) {
      expect({
        page,
        exists: fs.existsSync(path.join(PLAYBOOKS_DIR, page)),
      }).toEqual({ page, exists: true });
    }
  });

  it('lists every page on the overview', () => {
    const overview = fs.readFileSync(
      path.join(PLAYBOOKS_DIR, 'index.md'),
      'utf8',
    );
    const linked = new Set(
      [...overview.matchAll(/\]\(([a-z0-9-]+\/index\.md)\)/g)].map(m => m[1]),
    );
    expect(pages.filter(page => !linked.has(page))).toEqual([]);
    expect([...linked].filter(page => !pages.includes(page))).toEqual([]);
  });

  it('lists every page in the navigation of mkdocs.yml', () => {
    const mkdocs = parseYaml(fs.readFileSync(MKDOCS, 'utf8')) as {
      docs_dir: string;
      nav: unknown;
    };
    expect(path.resolve(path.dirname(MKDOCS), mkdocs.docs_dir)).toBe(
      PLAYBOOKS_DIR,
    );
    const nav = navTargets(mkdocs.nav);
    expect(nav).toContain('index.md');
    expect(pages.filter(page => !nav.includes(page))).toEqual([]);
  });
});
