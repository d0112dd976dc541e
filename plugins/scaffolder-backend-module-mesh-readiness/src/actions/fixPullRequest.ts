import {
  resolveSafeChildPath,
  type UrlReaderService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { confinedRelativePath } from '../confinedPath';
import { defaultTargetPath, resolveEntitySource } from '../entitySource';
import { placeFragment, unifiedDiff } from '../placeFragment';
import { readSourceFile, type SourceReadLimits } from '../readSourceFile';

/**
 * The id templates name in their steps.
 *
 * @public
 */
export const FIX_PULL_REQUEST_ACTION_ID = 'mesh-readiness:fix:prepare';

const changeVerb = {
  created: 'Creates',
  updated: 'Changes',
  unchanged: 'Leaves unchanged',
} as const;

/** Where the diff is written in the workspace, outside the pull request's files. */
const DIFF_FILE = 'mesh-readiness-fix.diff';

async function readWorkspaceFragment(
  workspacePath: string,
  fragmentPath: string,
  maxBytes: number,
): Promise<string> {
  const rel = confinedRelativePath(fragmentPath, 'fragmentPath');
  const file = resolveSafeChildPath(workspacePath, rel);
  let stat;
  try {
    stat = await fsp.stat(file);
  } catch {
    throw new InputError(
      `fragmentPath ${fragmentPath} is not in the workspace; render the fragment first (fetch:template)`,
    );
  }
  if (!stat.isFile()) {
    throw new InputError(`fragmentPath ${fragmentPath} is not a file`);
  }
  if (stat.size > maxBytes) {
    throw new InputError(
      `fragmentPath ${fragmentPath} is larger than ${maxBytes} bytes`,
    );
  }
  return fsp.readFile(file, 'utf8');
}

/**
 * The Scaffolder action behind a template's pull request: it reads the file
 * the rendered fragment belongs in from the entity's repository, places the
 * fragment's objects there (replacing objects of the same identity,
 * appending the rest, or a new file), and leaves the changed file in the
 * workspace for `publish:github:pull-request` / `publish:gitlab:merge-request`
 * with the unified diff as output. It writes nothing outside the workspace
 * and needs no Git host, so a template's dry run shows the change.
 *
 * @public
 */
export function createFixPullRequestAction(options: {
  urlReader: UrlReaderService;
  catalog: CatalogService;
  integrations: ScmIntegrationRegistry;
  limits: SourceReadLimits;
}) {
  const { urlReader, catalog, integrations, limits } = options;
  return createTemplateAction({
    id: FIX_PULL_REQUEST_ACTION_ID,
    description:
      "Places a rendered policy fragment in the file of the entity's repository it belongs in and outputs the change as a unified diff, with the changed file in the workspace for a pull request.",
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .max(400)
            .describe(
              'The catalog entity whose repository gets the fix (its backstage.io/source-location).',
            ),
        fragmentPath: z =>
          z
            .string()
            .min(1)
            .max(400)
            .describe(
              'The rendered fragment, relative to the workspace (e.g. fragment/peerauthentication.yaml).',
            ),
        targetPath: z =>
          z
            .string()
            .max(400)
            .optional()
            .describe(
              "The file to change, relative to the entity's source location; default: next to the manifests mesh-readiness.io/manifests names, named like the fragment.",
            ),
        outputPath: z =>
          z
            .string()
            .max(200)
            .optional()
            .describe(
              'Workspace folder that receives the changed file at its repository path (default pull-request); the publish step takes it as sourcePath.',
            ),
      },
      output: {
        diff: z =>
          z
            .string()
            .describe(
              'The change as a unified diff; empty when nothing changes.',
            ),
        change: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happens to the file.'),
        filePath: z =>
          z
            .string()
            .describe('The changed file, relative to the repository root.'),
        sourcePath: z =>
          z
            .string()
            .describe(
              'Workspace folder holding the changed file at its repository path.',
            ),
        provider: z =>
          z
            .enum(['github', 'gitlab', 'none'])
            .describe(
              'The Git host of the source location; none: no pull request can be opened.',
            ),
        repoUrl: z =>
          z
            .string()
            .describe(
              'host?owner=…&repo=… for the publish actions; empty without a Git host.',
            ),
        targetBranchName: z =>
          z
            .string()
            .describe(
              'The branch the source location names; empty for the default branch.',
            ),
        branchName: z =>
          z.string().describe('A branch name for the pull request.'),
        title: z => z.string().describe('A title for the pull request.'),
        description: z =>
          z.string().describe('A description for the pull request.'),
      },
    },
    async handler(ctx) {
      const outputPath = confinedRelativePath(
        ctx.input.outputPath ?? 'pull-request',
        'outputPath',
      );
      if (!outputPath) {
        throw new InputError('outputPath must name a folder of the workspace');
      }
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(
          parseEntityRef(ctx.input.entityRef, { defaultKind: 'component' }),
        );
      } catch (error) {
        throw new InputError(
          `entityRef ${JSON.stringify(
            ctx.input.entityRef,
          )} is not an entity ref: ${(error as Error).message}`,
        );
      }
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: await ctx.getInitiatorCredentials(),
      });
      if (!entity) {
        throw new NotFoundError(`${entityRef} is not in the catalog`);
      }
      const fragmentText = await readWorkspaceFragment(
        ctx.workspacePath,
        ctx.input.fragmentPath,
        limits.maxFileBytes,
      );
      const fragmentName = path.posix.basename(ctx.input.fragmentPath);
      const targetPath = ctx.input.targetPath
        ? confinedRelativePath(ctx.input.targetPath, 'targetPath')
        : defaultTargetPath(entity, fragmentName);
      if (!targetPath) {
        throw new InputError('targetPath must name a file');
      }
      const source = resolveEntitySource(entity, integrations);
      const current = await readSourceFile({
        entity,
        source,
        relativePath: targetPath,
        urlReader,
        limits,
      });
      const placement = placeFragment(current.text, fragmentText, {
        fragment: ctx.input.fragmentPath,
        target: targetPath,
      });
      const repository = source.kind === 'url' ? source.repository : undefined;
      const filePath = path.posix.join(
        repository?.pathInRepo ?? '',
        targetPath,
      );
      const diff = unifiedDiff(filePath, current.text, placement.content);
      let change: 'created' | 'updated' | 'unchanged' = 'updated';
      if (current.text === undefined) change = 'created';
      else if (!diff) change = 'unchanged';

      const changedFile = resolveSafeChildPath(
        ctx.workspacePath,
        path.posix.join(outputPath, filePath),
      );
      await fsp.mkdir(path.dirname(changedFile), { recursive: true });
      await fsp.writeFile(changedFile, placement.content, 'utf8');
      await fsp.writeFile(
        resolveSafeChildPath(ctx.workspacePath, DIFF_FILE),
        diff,
        'utf8',
      );

      const objects = [...placement.replaced, ...placement.added]
        .map(o => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`)
        .join(', ');
      ctx.logger.info(
        `${change} ${filePath} (${current.location}): ${
          placement.replaced.length
        } object(s) replaced, ${placement.added.length} added${
          repository
            ? ''
            : '; the source location is on no GitHub or GitLab host, so no pull request can be opened'
        }`,
      );
      if (diff) ctx.logger.info(diff);

      // Without a template ref (a run outside the Scaffolder), the fragment's name.
      const template = ctx.templateInfo?.entityRef
        ? parseEntityRef(ctx.templateInfo.entityRef).name
        : fragmentName.replace(/\.ya?ml$/i, '');
      ctx.output('diff', diff);
      ctx.output('change', change);
      ctx.output('filePath', filePath);
      ctx.output('sourcePath', outputPath);
      ctx.output('provider', repository?.provider ?? 'none');
      ctx.output('repoUrl', repository?.repoUrl ?? '');
      ctx.output('targetBranchName', repository?.branch ?? '');
      ctx.output(
        'branchName',
        `mesh-readiness/${template}-${entity.metadata.name}`
          .toLocaleLowerCase('en-US')
          .replace(/[^a-z0-9/._-]+/g, '-'),
      );
      ctx.output(
        'description',
        [
          `${changeVerb[change]} \`${filePath}\` for ${entityRef}${
            ctx.templateInfo?.entityRef
              ? ` with the template ${ctx.templateInfo.entityRef}`
              : ''
          }: ${objects || fragmentName}.`,
          '',
          'Opened from the Mesh Readiness plugin; review the change, merge it, and the next readiness evaluation reads it.',
        ].join('\n'),
      );
      ctx.output(
        'title',
        `Mesh readiness: ${objects || fragmentName} for ${
          entity.metadata.name
        }`,
      );
    },
  });
}
