/*
 * Checks that every sample service reaches the phase examples/README.md says
 * it was written for, the way the portal scores it: the default programs,
 * the service's manifests, the seeded attestations and waivers (parsed by the
 * backend's own seed loader), and callers resolved from the catalog's
 * dependsOn relations with their phases (iterated until stable, as repeated
 * evaluation passes of the backend settle). Cluster and metrics evidence is
 * not connected, as in the demo. Also checks that fraud-scoring is exactly
 * one attestation short of enforce, which the end-to-end test relies on.
 *
 * The README's service table is the single source of truth: change a
 * manifest, the seed, a program or an analyzer, and this script says which
 * service moved and what now blocks it.
 *
 * Usage: yarn check:sample-org
 * Exit code 0 when every phase matches, 1 otherwise, 2 on bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  evaluate,
  loadProgram,
  selectProgramFor,
  NOT_STARTED_PHASE,
  type Attestation,
  type EntityFacts,
  type Program,
  type Scorecard,
} from '../plugins/mesh-readiness-common/src';
import { parseSeed } from '../plugins/mesh-readiness-backend/src/service/SeedLoader';

const repoRoot = path.resolve(__dirname, '..');
const EXAMPLES = path.join(repoRoot, 'examples');
const SERVICES = path.join(EXAMPLES, 'services');
const PROGRAMS = path.join(
  repoRoot,
  'plugins',
  'mesh-readiness-common',
  'programs',
);
const ONE_SHORT = {
  service: 'fraud-scoring',
  programId: 'istio-adoption',
  itemId: 'manual.strict-change-approval',
  role: 'platform' as const,
  attestedBy: 'user:default/priya-raman',
  phase: 'enforce',
};

type Entity = EntityFacts['entity'] & {
  spec: { owner?: string; dependsOn?: string[] };
};

function badInput(message: string): never {
  console.error(`[sample-org] ${message}`);
  process.exit(2);
}

/** `| service | team | mesh | **phase** ... |` rows of the README's service table. */
function expectedPhases(): Map<string, string> {
  const readme = fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8');
  const expected = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map(cell => cell.trim());
    const phase = /^\*\*([a-z-]+)\*\*/.exec(cells[4] ?? '')?.[1];
    if (phase && fs.existsSync(path.join(SERVICES, cells[1] ?? ''))) {
      expected.set(cells[1], phase);
    }
  }
  if (expected.size === 0)
    badInput('no service table found in examples/README.md');
  return expected;
}

function loadPrograms(): Program[] {
  return fs
    .readdirSync(PROGRAMS)
    .filter(file => file.endsWith('.yaml'))
    .map(file => {
      const result = loadProgram(
        fs.readFileSync(path.join(PROGRAMS, file), 'utf8'),
        file,
      );
      if (!result.ok) {
        badInput(
          `${file} does not load: ${result.problems
            .map(p => `${p.line}:${p.column} ${p.path} ${p.message}`)
            .join('; ')}`,
        );
      }
      return result.program;
    });
}

function loadServices(): Entity[] {
  return fs.readdirSync(SERVICES).map(name => {
    const file = path.join(SERVICES, name, 'catalog-info.yaml');
    const [doc] = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    return doc.toJS() as Entity;
  });
}

const refOf = (entity: Entity) => `component:default/${entity.metadata.name}`;
const componentRef = (ref: string) =>
  ref.includes('/') ? ref : ref.replace(/^component:/, 'component:default/');

/** The manifests the annotation names, as the backend reads them (`k8s/*.yaml` style globs). */
function manifestsOf(entity: Entity) {
  const pattern = entity.metadata.annotations?.['mesh-readiness.io/manifests'];
  if (!pattern) return undefined;
  const base = path.join(SERVICES, entity.metadata.name);
  return pattern.split(',').flatMap(part => {
    const glob = part.trim();
    const dir = path.join(base, path.dirname(glob));
    const name = new RegExp(
      `^${path
        .basename(glob)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')}$`,
    );
    return fs
      .readdirSync(dir)
      .filter(file => name.test(file))
      .sort()
      .map(file => ({
        path: path.relative(repoRoot, path.join(dir, file)),
        content: fs.readFileSync(path.join(dir, file), 'utf8'),
      }));
  });
}

function scoreAll(
  programs: Program[],
  services: Entity[],
  attestations: Attestation[],
  seed: ReturnType<typeof parseSeed>,
  now: string,
): Map<string, Scorecard> {
  const callersOf = new Map<string, string[]>();
  for (const entity of services) {
    for (const target of entity.spec.dependsOn ?? []) {
      const ref = componentRef(target);
      callersOf.set(ref, [...(callersOf.get(ref) ?? []), refOf(entity)]);
    }
  }
  let scorecards = new Map<string, Scorecard>();
  // Callers' phases feed sec.mtls.callers; repeat until no phase changes.
  for (let pass = 0; pass < services.length + 1; pass++) {
    const next = new Map<string, Scorecard>();
    for (const entity of services) {
      const program = selectProgramFor(programs, entity);
      if (!program) badInput(`no program applies to ${refOf(entity)}`);
      const ref = refOf(entity);
      const manifests = manifestsOf(entity);
      const facts: EntityFacts = {
        entity: {
          ...entity,
          relations: [
            {
              type: 'ownedBy',
              targetRef: `group:default/${entity.spec.owner}`,
            },
          ],
        },
        manifests,
        sources: {
          catalog: { status: 'ok' },
          ...(manifests ? { manifests: { status: 'ok' } } : {}),
        },
        catalog: {
          ownerIsGroup: true,
          callers: (callersOf.get(ref) ?? []).sort().map(caller => {
            const phase = scorecards.get(caller)?.phase ?? NOT_STARTED_PHASE;
            return {
              entityRef: caller,
              phase,
              meshed: phase !== NOT_STARTED_PHASE,
            };
          }),
        },
        attestations: attestations.filter(a => a.entityRef === ref),
        waivers: seed.waivers.filter(w => w.entityRef === ref),
        now,
      };
      next.set(ref, evaluate(program, facts));
    }
    const stable = [...next].every(
      ([ref, card]) => scorecards.get(ref)?.phase === card.phase,
    );
    scorecards = next;
    if (stable) break;
  }
  return scorecards;
}

function blockers(card: Scorecard): string {
  const items = card.nextSteps
    .filter(
      step => step.phase === card.nextPhase && step.severity === 'required',
    )
    .map(step => `${step.itemId} (${step.status})`);
  return items.join(', ') || 'nothing';
}

function main() {
  const now = new Date().toISOString();
  const expected = expectedPhases();
  const programs = loadPrograms();
  const services = loadServices();
  const seedFile = path.join(EXAMPLES, 'seed', 'attestations.yaml');
  let seed: ReturnType<typeof parseSeed>;
  try {
    seed = parseSeed(
      fs.readFileSync(seedFile, 'utf8'),
      'examples/seed/attestations.yaml',
      now,
    );
  } catch (error) {
    badInput((error as Error).message);
  }
  const mismatches: string[] = [];

  const cards = scoreAll(programs, services, seed.attestations, seed, now);
  for (const [service, phase] of expected) {
    const card = cards.get(`component:default/${service}`);
    if (!card)
      badInput(
        `examples/README.md lists ${service}, which is not a sample service`,
      );
    const ok = card.phase === phase;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${service.padEnd(20)} ${card.phase.padEnd(
        12,
      )} expected ${phase}`,
    );
    if (!ok)
      mismatches.push(
        `${service}: ${card.phase}, expected ${phase}; ${
          card.nextPhase ?? 'next phase'
        } blocked by ${blockers(card)}`,
      );
  }
  for (const entity of services) {
    if (!expected.has(entity.metadata.name))
      mismatches.push(
        `${entity.metadata.name} is missing from the table in examples/README.md`,
      );
  }

  const ref = `component:default/${ONE_SHORT.service}`;
  const attested: Attestation = {
    id: 'one-short',
    entityRef: ref,
    programId: ONE_SHORT.programId,
    itemId: ONE_SHORT.itemId,
    attestedBy: ONE_SHORT.attestedBy,
    role: ONE_SHORT.role,
    attestedAt: now,
  };
  const after = scoreAll(
    programs,
    services,
    [...seed.attestations, attested],
    seed,
    now,
  ).get(ref)!;
  const ok = after.phase === ONE_SHORT.phase;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${ONE_SHORT.service} with ${
      ONE_SHORT.itemId
    } attested: ${after.phase}, expected ${ONE_SHORT.phase}`,
  );
  if (!ok)
    mismatches.push(
      `${ONE_SHORT.service} is not one attestation (${
        ONE_SHORT.itemId
      }) short of ${ONE_SHORT.phase}; blocked by ${blockers(after)}`,
    );

  if (mismatches.length) {
    console.error(
      `[sample-org] ${mismatches.length} problem(s):\n  ${mismatches.join(
        '\n  ',
      )}`,
    );
    process.exit(1);
  }
  console.log(
    `[sample-org] all ${expected.size} services reach their documented phases`,
  );
}

main();
