#!/usr/bin/env node
/*
 * Renders the playbooks site (mkdocs.yml + its docs folder) into the static
 * layout TechDocs serves, without Docker or Python: per page an index.html
 * shaped like mkdocs-material's output (md-container / md-sidebar / md-content
 * / md-typeset, which the TechDocs reader styles), plus techdocs_metadata.json,
 * search/search_index.json and a small stylesheet.
 *
 * The output goes to <publishDirectory>/<namespace>/<kind>/<name>/, where the
 * publish directory is `techdocs.publisher.local.publishDirectory` of
 * app-config.yaml (resolved like the backend does, from packages/backend).
 *
 * Idempotent and fast: the site is rendered in memory, and when its content
 * hash equals the published etag nothing is written. A broken nav entry or a
 * link to a missing page fails the build with every problem listed, and the
 * published site is left as it was.
 *
 * Usage: node scripts/build-techdocs.mjs [--config mkdocs.yml]
 *          [--entity default/component/mesh-readiness-playbooks] [--out <dir>]
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import YAML from 'yaml';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const BACKEND_DIR = path.join(repoRoot, 'packages', 'backend');
const DEFAULT_ENTITY = 'default/component/mesh-readiness-playbooks';

class BuildError extends Error {
  constructor(problems) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

function parseArgs(argv) {
  const args = {
    config: path.join(repoRoot, 'mkdocs.yml'),
    entity: DEFAULT_ENTITY,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (
      !['--config', '--entity', '--out'].includes(flag) ||
      value === undefined
    ) {
      throw new BuildError([
        `unknown or incomplete argument "${flag}"; expected --config <file>, --entity <namespace/kind/name>, --out <dir>`,
      ]);
    }
    args[flag.slice(2)] = value;
    i++;
  }
  const triplet = args.entity.split('/');
  if (
    triplet.length !== 3 ||
    triplet.some(part => !/^[a-z0-9][a-z0-9._-]*$/i.test(part))
  ) {
    throw new BuildError([
      `--entity must be <namespace>/<kind>/<name>, got "${args.entity}"`,
    ]);
  }
  // TechDocs lower-cases the entity triplet unless legacy casing is configured.
  args.entityPath = triplet.map(part => part.toLowerCase()).join('/');
  return args;
}

/** The publisher's folder, read from app-config.yaml the way the backend resolves it. */
async function publishDirectoryFromAppConfig() {
  const configFile = path.join(repoRoot, 'app-config.yaml');
  const config = YAML.parse(await fs.readFile(configFile, 'utf8'));
  const dir = config?.techdocs?.publisher?.local?.publishDirectory;
  if (typeof dir !== 'string' || !dir) {
    throw new BuildError([
      `${path.relative(
        repoRoot,
        configFile,
      )}: techdocs.publisher.local.publishDirectory is not set`,
    ]);
  }
  return path.resolve(BACKEND_DIR, dir);
}

async function listMarkdown(dir, base = dir) {
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listMarkdown(full, base)));
    else if (entry.name.endsWith('.md'))
      out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** mkdocs' use_directory_urls: `a/index.md` and `a.md` are served at `a/`. */
function pageUrl(file) {
  const withoutExt = file.replace(/\.md$/, '');
  if (withoutExt === 'index') return '';
  if (withoutExt.endsWith('/index'))
    return `${withoutExt.slice(0, -'index'.length)}`;
  return `${withoutExt}/`;
}

/** Relative href from the page at URL `from` to the page at URL `to` (both dir-style). */
function relativeHref(from, to) {
  const rel = path.posix.relative(`/${from}`, `/${to}`);
  return rel === '' ? './' : `${rel}/`;
}

function escapeHtml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function slugify(text, used) {
  const base =
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/[`*_~]/g, '')
      .replace(/[^a-z0-9\s-]/g, '')
      .trim()
      .replace(/[\s-]+/g, '-') || 'section';
  let slug = base;
  for (let n = 1; used.has(slug); n++) slug = `${base}_${n}`;
  used.add(slug);
  return slug;
}

/** Turns mkdocs' nav (list of `Title: file` or `Title: [children]`) into a tree. */
function readNav(nav, files, problems) {
  const walk = (entries, where) =>
    entries.flatMap((entry, index) => {
      const at = `${where}[${index}]`;
      if (typeof entry === 'string') entry = { [entry]: entry };
      if (
        !entry ||
        typeof entry !== 'object' ||
        Object.keys(entry).length !== 1
      ) {
        problems.push(
          `mkdocs.yml: ${at} must be "Title: file.md" or "Title: [children]"`,
        );
        return [];
      }
      const [title, target] = Object.entries(entry)[0];
      if (Array.isArray(target))
        return [{ title, children: walk(target, `${at}.${title}`) }];
      if (typeof target !== 'string') {
        problems.push(`mkdocs.yml: ${at} (${title}) must name a Markdown file`);
        return [];
      }
      if (/^[a-z]+:\/\//i.test(target)) return [{ title, href: target }];
      if (!files.includes(target)) {
        problems.push(
          `mkdocs.yml: ${at} (${title}) names "${target}", which is not in the docs folder`,
        );
        return [];
      }
      return [{ title, file: target }];
    });
  return walk(Array.isArray(nav) ? nav : [], 'nav');
}

function renderMarkdown(file, source, knownFiles, problems) {
  const usedIds = new Set();
  const headings = [];
  const here = path.posix.dirname(file);
  const marked = new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type !== 'link' && token.type !== 'image') return;
      const href = token.href;
      if (!href || /^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) return;
      const [target, hash] = href.split('#');
      if (!target.endsWith('.md')) return;
      const resolved = path.posix.normalize(path.posix.join(here, target));
      if (!knownFiles.includes(resolved)) {
        problems.push(
          `${file}: link to "${href}", which is not a page of the site`,
        );
        return;
      }
      token.href =
        relativeHref(pageUrl(file), pageUrl(resolved)) +
        (hash ? `#${hash}` : '');
    },
    renderer: {
      heading({ tokens, depth, text }) {
        const id = slugify(text, usedIds);
        const inner = this.parser.parseInline(tokens);
        headings.push({ depth, id, html: inner, text });
        return `<h${depth} id="${id}">${inner}<a class="headerlink" href="#${id}" title="Permanent link">¶</a></h${depth}>\n`;
      },
    },
  });
  const html = marked.parse(source);
  const title =
    headings.find(h => h.depth === 1)?.text ?? pageUrl(file).replace(/\/$/, '');
  return { html, headings, title };
}

function renderNav(items, currentUrl, level = 0) {
  const li = items.map(item => {
    if (item.children) {
      const active = containsUrl(item.children, currentUrl);
      return `<li class="md-nav__item md-nav__item--nested${
        active ? ' md-nav__item--active' : ''
      }">
<span class="md-nav__link md-nav__section-title">${escapeHtml(
        item.title,
      )}</span>
<nav class="md-nav" aria-label="${escapeHtml(item.title)}" data-md-level="${
        level + 1
      }">
${renderNav(item.children, currentUrl, level + 1)}
</nav></li>`;
    }
    if (item.href) {
      return `<li class="md-nav__item"><a class="md-nav__link" href="${escapeHtml(
        item.href,
      )}">${escapeHtml(item.title)}</a></li>`;
    }
    const url = pageUrl(item.file);
    const active = url === currentUrl;
    return `<li class="md-nav__item${
      active ? ' md-nav__item--active' : ''
    }"><a class="md-nav__link${
      active ? ' md-nav__link--active' : ''
    }" href="${relativeHref(currentUrl, url)}">${escapeHtml(
      item.title,
    )}</a></li>`;
  });
  return `<ul class="md-nav__list">\n${li.join('\n')}\n</ul>`;
}

function containsUrl(items, url) {
  return items.some(item =>
    item.children
      ? containsUrl(item.children, url)
      : item.file && pageUrl(item.file) === url,
  );
}

function renderToc(headings) {
  const sections = headings.filter(h => h.depth === 2);
  if (!sections.length) return '';
  const items = sections
    .map(
      h =>
        `<li class="md-nav__item"><a class="md-nav__link" href="#${h.id}">${h.html}</a></li>`,
    )
    .join('\n');
  return `<nav class="md-nav md-nav--secondary" aria-label="Table of contents">
<label class="md-nav__title">Table of contents</label>
<ul class="md-nav__list">
${items}
</ul>
</nav>`;
}

function renderPage({ site, url, page, nav, stylesheet }) {
  const toRoot = relativeHref(url, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="description" content="${escapeHtml(site.description)}">
<title>${escapeHtml(page.title)} - ${escapeHtml(site.name)}</title>
<link rel="stylesheet" href="${toRoot}${stylesheet}">
</head>
<body dir="ltr">
<div class="md-container" data-md-component="container">
<main class="md-main" data-md-component="main">
<div class="md-main__inner md-grid">
<div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation">
<div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
<nav class="md-nav md-nav--primary" aria-label="Navigation" data-md-level="0">
<label class="md-nav__title">${escapeHtml(site.name)}</label>
${renderNav(nav, url)}
</nav>
</div></div>
</div>
<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc">
<div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
${renderToc(page.headings)}
</div></div>
</div>
<div class="md-content" data-md-component="content">
<article class="md-content__inner md-typeset">
${page.html}
</article>
</div>
</div>
</main>
</div>
</body>
</html>
`;
}

const STYLES = `/* Layout details mkdocs-material's own stylesheet would provide; the
   TechDocs reader adds the theme colours, fonts and sidebar positions. */
.md-nav__list { list-style: none; margin: 0; padding: 0; }
.md-nav__item { padding: 0 0.6rem; }
.md-nav__item--nested > .md-nav { margin-left: 0.4rem; }
.md-nav__link { display: block; margin-top: 0.5em; text-decoration: none; color: inherit; }
.md-nav__section-title { font-weight: 700; margin-top: 1em; }
.md-nav__title { display: block; font-weight: 700; padding: 0 0.6rem; }
.md-sidebar__scrollwrap { overflow-y: auto; }
.md-typeset .headerlink { margin-left: 0.4em; opacity: 0; text-decoration: none; }
.md-typeset :hover > .headerlink { opacity: 1; }
.md-typeset table { border-collapse: collapse; }
.md-typeset th, .md-typeset td { border: 1px solid rgba(127, 127, 127, 0.3); padding: 0.3em 0.6em; text-align: left; }
.md-typeset pre { overflow-x: auto; padding: 0.8em; }
`;

async function buildSite(args) {
  const configFile = path.resolve(args.config);
  const configDir = path.dirname(configFile);
  const problems = [];
  // mkdocs.yml may carry Python-specific tags; keep them as plain values.
  const mkdocs =
    YAML.parse(await fs.readFile(configFile, 'utf8'), { logLevel: 'error' }) ??
    {};
  const site = {
    name: String(mkdocs.site_name ?? ''),
    description: String(mkdocs.site_description ?? ''),
  };
  if (!site.name)
    problems.push(
      `${path.relative(repoRoot, configFile)}: site_name is required`,
    );
  const docsDir = path.resolve(configDir, mkdocs.docs_dir ?? 'docs');
  if (!existsSync(docsDir)) {
    throw new BuildError([
      `${path.relative(repoRoot, configFile)}: docs_dir "${
        mkdocs.docs_dir ?? 'docs'
      }" does not exist`,
    ]);
  }
  const files = await listMarkdown(docsDir);
  let nav = readNav(mkdocs.nav, files, problems);
  if (!mkdocs.nav)
    nav = files.map(file => ({ title: pageUrl(file) || 'Home', file }));

  // The TechDocs reader keeps only stylesheets named like mkdocs-material's
  // bundle (main.<8 hex>.min.css) and drops every other <link>.
  const stylesheet = `assets/stylesheets/main.${createHash('sha256')
    .update(STYLES)
    .digest('hex')
    .slice(0, 8)}.min.css`;
  const output = new Map(); // relative path -> content
  const searchDocs = [];
  for (const file of files) {
    const source = await fs.readFile(path.join(docsDir, file), 'utf8');
    const page = renderMarkdown(file, source, files, problems);
    const url = pageUrl(file);
    output.set(
      `${url}index.html`,
      renderPage({ site, url, page, nav, stylesheet }),
    );
    searchDocs.push({
      location: url,
      title: page.title,
      text: page.html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    });
  }
  if (problems.length) throw new BuildError(problems);

  output.set(stylesheet, STYLES);
  output.set(
    'search/search_index.json',
    JSON.stringify({
      config: { lang: ['en'], separator: '[\\s\\-]+' },
      docs: searchDocs,
    }),
  );
  const hash = createHash('sha256');
  for (const key of [...output.keys()].sort())
    hash.update(key).update('\0').update(output.get(key)).update('\0');
  const etag = hash.digest('hex');
  return { site, output, etag };
}

async function publish({ site, output, etag }, targetDir) {
  const metadataFile = path.join(targetDir, 'techdocs_metadata.json');
  try {
    const current = JSON.parse(await fs.readFile(metadataFile, 'utf8'));
    if (current.etag === etag) return { changed: false };
  } catch {
    // nothing published yet, or unreadable: publish afresh
  }
  const files = [...output.keys(), 'techdocs_metadata.json'].sort();
  const metadata = {
    site_name: site.name,
    site_description: site.description,
    etag,
    build_timestamp: Date.now(),
    files,
  };
  // Render into a sibling folder and swap it in, so the portal never serves a
  // half-written site.
  const staging = `${targetDir}.staging-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  for (const [file, content] of output) {
    const full = path.join(staging, file);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, content);
  }
  await fs.writeFile(
    path.join(staging, 'techdocs_metadata.json'),
    `${JSON.stringify(metadata, null, 2)}\n`,
  );
  await fs.mkdir(path.dirname(targetDir), { recursive: true });
  const previous = `${targetDir}.previous-${process.pid}`;
  if (existsSync(targetDir)) await fs.rename(targetDir, previous);
  await fs.rename(staging, targetDir);
  await fs.rm(previous, { recursive: true, force: true });
  return { changed: true };
}

async function main() {
  const started = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const publishDir = args.out
    ? path.resolve(args.out)
    : await publishDirectoryFromAppConfig();
  const targetDir = path.join(publishDir, ...args.entityPath.split('/'));
  const site = await buildSite(args);
  const { changed } = await publish(site, targetDir);
  const ms = (performance.now() - started).toFixed(0);
  const pages = [...site.output.keys()].filter(f =>
    f.endsWith('index.html'),
  ).length;
  console.log(
    `[techdocs] ${args.entityPath}: ${pages} pages ${
      changed ? 'published to' : 'unchanged in'
    } ${path.relative(repoRoot, targetDir)} (${ms} ms)`,
  );
}

main().catch(error => {
  if (error instanceof BuildError) {
    console.error(
      `[techdocs] build failed, published site left unchanged:\n  ${error.problems.join(
        '\n  ',
      )}`,
    );
  } else {
    console.error(`[techdocs] build failed: ${error.stack ?? error}`);
  }
  process.exit(1);
});
