/*
 * Golden check of the engine's results: one SHA-256 over the serialized
 * scorecards of a fixed set of inputs. Run it before and after a change that
 * must not change any verdict (a speed-up, a refactoring); the hashes must
 * be equal.
 *
 * Inputs, each evaluated against both default programs with a fixed clock:
 * - the first synthetic entities of the benchmark (2,000 unless given);
 * - every sample service under examples/services (catalog-info.yaml and
 *   k8s/*.yaml).
 *
 * Two hashes are printed: over the full scorecards, and over the scorecards
 * without `factsHash`, so that a change to how the facts hash is computed
 * can still be checked against every other field.
 *
 *   yarn workspace @mesh-readiness/plugin-mesh-readiness-common bench:golden [entities]
 */
import fs from 'fs';
import path from 'path';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_PROGRAM_IDS,
  canonicalJson,
  evaluate,
  loadProgram,
  serializeScorecard,
  type EntityFacts,
  type Program,
} from '../src';
import { SYNTHETIC_NOW, entityFacts } from './syntheticEntities';

const ENTITIES = Number(process.argv[2] ?? 2_000);
const PACKAGE = path.resolve(__dirname, '..');
const SERVICES = path.resolve(PACKAGE, '../../examples/services');

function loadDefaultPrograms(): Program[] {
  return DEFAULT_PROGRAM_IDS.map(id => {
    const file = `programs/${id}.yaml`;
    const loaded = loadProgram(
      fs.readFileSync(path.join(PACKAGE, file), 'utf8'),
      file,
    );
    if (!loaded.ok) {
      throw new Error(
        `${file} does not load: ${loaded.problems
          .map(p => `${p.line}:${p.column} ${p.path} ${p.message}`)
          .join('; ')}`,
      );
    }
    return loaded.program;
  });
}

/** A sample service's facts: its catalog entity and its k8s/*.yaml files. */
function sampleServiceFacts(service: string): EntityFacts {
  const dir = path.join(SERVICES, service);
  const entity = parseYaml(
    fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
  ) as EntityFacts['entity'];
  const k8s = path.join(dir, 'k8s');
  const manifests = fs.existsSync(k8s)
    ? fs
        .readdirSync(k8s)
        .filter(file => file.endsWith('.yaml'))
        .sort()
        .map(file => ({
          path: `k8s/${file}`,
          content: fs.readFileSync(path.join(k8s, file), 'utf8'),
        }))
    : undefined;
  return {
    entity,
    catalog: { ownerIsGroup: true, callers: [] },
    manifests,
    sources: {
      catalog: { status: 'ok' },
      ...(manifests ? { manifests: { status: 'ok' as const } } : {}),
    },
    attestations: [],
    waivers: [],
    now: SYNTHETIC_NOW,
  };
}

function main() {
  const programs = loadDefaultPrograms();
  const full = sha256.create();
  const withoutFactsHash = sha256.create();
  let scorecards = 0;
  const record = (facts: EntityFacts) => {
    for (const program of programs) {
      const card = evaluate(program, facts);
      full.update(utf8ToBytes(`${serializeScorecard(card)}\n`));
      const { factsHash: _factsHash, ...rest } = card;
      withoutFactsHash.update(utf8ToBytes(`${canonicalJson(rest)}\n`));
      scorecards += 1;
    }
  };
  for (let i = 0; i < ENTITIES; i++) record(entityFacts(i));
  const services = fs.readdirSync(SERVICES).sort();
  for (const service of services) record(sampleServiceFacts(service));

  process.stdout.write(
    `scorecards                ${scorecards} (${ENTITIES} synthetic entities, ${services.length} sample services, ${programs.length} programs)\n` +
      `sha256                    ${bytesToHex(full.digest())}\n` +
      `sha256 without factsHash  ${bytesToHex(withoutFactsHash.digest())}\n`,
  );
}

main();
