import fs from 'node:fs/promises';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';

/** A playbook page: its id (folder name), first heading and markdown. */
export interface Playbook {
  id: string;
  title: string;
  markdown: string;
}

/** Folder names of playbook pages: lower-case words joined by dashes. */
const PLAYBOOK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Id of the overview page (the folder's own index.md). */
export const PLAYBOOK_INDEX_ID = 'index';

/**
 * The playbooks shipped in `@mesh-readiness/plugin-mesh-readiness-common`
 * (`playbooks/<id>/index.md`, plus `playbooks/index.md` as `index`), so that
 * the shipped programs' playbook links work in any app without this
 * repository's TechDocs site. Pages are read once and kept: they change only
 * with the installed package.
 */
export class PlaybookLibrary {
  static fromCommonPackage(): PlaybookLibrary {
    return new PlaybookLibrary(
      resolvePackagePath(
        '@mesh-readiness/plugin-mesh-readiness-common',
        'playbooks',
      ),
    );
  }

  #pages: Promise<Map<string, Playbook>> | undefined;

  constructor(private readonly directory: string) {}

  async list(): Promise<Array<Pick<Playbook, 'id' | 'title'>>> {
    const pages = await this.#load();
    return [...pages.values()]
      .map(({ id, title }) => ({ id, title }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<Playbook> {
    if (!PLAYBOOK_ID.test(id)) {
      throw new InputError(
        `playbookId "${id.slice(
          0,
          100,
        )}" is not a playbook id: lower-case letters and digits joined by single dashes, e.g. k8s-probes`,
      );
    }
    const page = (await this.#load()).get(id);
    if (!page) {
      throw new NotFoundError(`no playbook "${id}" is shipped`);
    }
    return page;
  }

  #load(): Promise<Map<string, Playbook>> {
    if (!this.#pages) {
      this.#pages = this.#read().catch(error => {
        // A failed read is retried on the next request rather than cached.
        this.#pages = undefined;
        throw error;
      });
    }
    return this.#pages;
  }

  async #read(): Promise<Map<string, Playbook>> {
    const pages = new Map<string, Playbook>();
    const add = async (id: string, file: string) => {
      const markdown = await fs.readFile(file, 'utf8');
      pages.set(id, { id, title: titleOf(markdown) ?? id, markdown });
    };
    await add(PLAYBOOK_INDEX_ID, path.join(this.directory, 'index.md'));
    for (const entry of await fs.readdir(this.directory, {
      withFileTypes: true,
    })) {
      if (entry.isDirectory() && PLAYBOOK_ID.test(entry.name)) {
        const file = path.join(this.directory, entry.name, 'index.md');
        try {
          await add(entry.name, file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw error;
          }
        }
      }
    }
    return pages;
  }
}

/** The text of the first level-1 ATX heading. */
function titleOf(markdown: string): string | undefined {
  const match = /^#[ \t]+(.+?)[ \t#]*$/m.exec(markdown);
  return match?.[1];
}
