import { promisify } from 'node:util';
import {
  constants,
  deflateRaw,
  deflateRawSync,
  inflateRaw,
  inflateRawSync,
} from 'node:zlib';
import type {
  Program,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/*
 * How scorecards are stored. A scorecard repeats, for every check and
 * checklist item, what the program already says: titles, phases,
 * severities, remediation texts, playbooks and templates (with inline policy
 * fragments). Storing that for every entity would make the scorecards table
 * several times larger than the verdicts themselves. So before storing, each
 * field that equals what the program of the same version says is left out,
 * and put back from the program when read. A field that differs (or a
 * program that is not at hand) is stored as is, so decoding always gives
 * back the scorecard the engine produced. The result is then
 * deflate-compressed at a fast level (compression sits on the evaluation
 * hot path).
 *
 * The store uses the asynchronous forms: zlib then runs in libuv's thread
 * pool instead of the event loop (compressing a batch of scorecards
 * synchronously held the loop for tens of milliseconds). Both forms give
 * the same bytes.
 */

const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);
const DEFLATE_OPTIONS = { level: constants.Z_BEST_SPEED };

type Item = Record<string, unknown>;

const FORMAT = 1;

interface StoredForm {
  /** Format of this encoding. */
  f: number;
  /** Program version whose fields were left out; absent: nothing left out. */
  v?: string;
  s: Scorecard;
}

/** Looks a program up by id (the programs in force). */
export type ProgramLookup = (programId: string) => Program | undefined;

const derivedCache = new WeakMap<Program, ReturnType<typeof buildDerived>>();

/** What the program says about each item; computed once per program. */
function derivedFields(program: Program) {
  let derived = derivedCache.get(program);
  if (!derived) {
    derived = buildDerived(program);
    derivedCache.set(program, derived);
  }
  return derived;
}

function buildDerived(program: Program) {
  const playbooks = new Map(program.spec.playbooks.map(p => [p.id, p]));
  const templates = new Map(program.spec.templates.map(t => [t.id, t]));
  const withLinks = (fields: Item, playbook?: string, template?: string) => {
    const p = playbook ? playbooks.get(playbook) : undefined;
    const t = template ? templates.get(template) : undefined;
    if (p) fields.playbook = p;
    if (t) fields.template = t;
    return fields;
  };
  const checks = new Map<string, Item>();
  for (const c of program.spec.checks) {
    checks.set(
      c.id,
      withLinks(
        {
          title: c.title,
          phase: c.phase,
          severity: c.severity,
          evidence: c.evidence,
          remediation: c.remediation,
        },
        c.playbook,
        c.template,
      ),
    );
  }
  const checklist = new Map<string, Item>();
  for (const i of program.spec.checklist) {
    checklist.set(
      i.id,
      withLinks(
        {
          title: i.title,
          description: i.description,
          phase: i.phase,
          severity: i.severity,
          roles: i.roles,
        },
        i.playbook,
        i.template,
      ),
    );
  }
  return { checks, checklist };
}

/** Deep equality of JSON values (key order ignored). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((value, i) => same(value, b[i]))
    );
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every(
    key => key in (b as Item) && same((a as Item)[key], (b as Item)[key]),
  );
}

/** Leaves out the fields equal to `derived`; notes derived keys it lacks. */
function strip(item: Item, derived: Item | undefined): Item {
  if (!derived) return item;
  const out: Item = {};
  const absent: string[] = [];
  for (const [key, value] of Object.entries(item)) {
    if (!(key in derived) || !same(value, derived[key])) out[key] = value;
  }
  for (const key of Object.keys(derived)) {
    if (!(key in item)) absent.push(key);
  }
  if (absent.length > 0) out.$absent = absent;
  return out;
}

function restore(item: Item, derived: Item | undefined): Item {
  if (!derived) return item;
  const { $absent, ...rest } = item as Item & { $absent?: string[] };
  const out: Item = { ...derived, ...rest };
  for (const key of $absent ?? []) delete out[key];
  return out;
}

function nextStepDerived(
  kind: string,
  derived: Item | undefined,
): Item | undefined {
  if (!derived) return undefined;
  const fields: Item = {
    title: derived.title,
    phase: derived.phase,
    severity: derived.severity,
  };
  if (kind === 'check') fields.remediation = derived.remediation;
  if (derived.playbook) fields.playbook = derived.playbook;
  if (derived.template) fields.template = derived.template;
  return fields;
}

function transform(
  scorecard: Scorecard,
  program: Program,
  fn: (item: Item, derived: Item | undefined) => Item,
): Scorecard {
  const { checks, checklist } = derivedFields(program);
  return {
    ...scorecard,
    checks: scorecard.checks.map(
      c => fn(c as unknown as Item, checks.get(c.checkId)) as any,
    ),
    checklist: scorecard.checklist.map(
      i => fn(i as unknown as Item, checklist.get(i.itemId)) as any,
    ),
    nextSteps: scorecard.nextSteps.map(
      s =>
        fn(
          s as unknown as Item,
          nextStepDerived(
            s.kind,
            (s.kind === 'check' ? checks : checklist).get(s.itemId),
          ),
        ) as any,
    ),
  };
}

/** The JSON text stored (before compression). */
function storedText(scorecard: Scorecard, program?: Program): Buffer {
  const usable =
    program &&
    program.metadata.name === scorecard.programId &&
    program.metadata.version === scorecard.programVersion;
  const stored: StoredForm = usable
    ? {
        f: FORMAT,
        v: program.metadata.version,
        s: transform(scorecard, program, strip),
      }
    : { f: FORMAT, s: scorecard };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

export function encodeScorecard(
  scorecard: Scorecard,
  program?: Program,
): Buffer {
  return deflateRawSync(storedText(scorecard, program), DEFLATE_OPTIONS);
}

/** {@link encodeScorecard}, compressing in libuv's thread pool. */
export async function encodeScorecardAsync(
  scorecard: Scorecard,
  program?: Program,
): Promise<Buffer> {
  return deflateRawAsync(storedText(scorecard, program), DEFLATE_OPTIONS);
}

/**
 * Decodes a stored scorecard. Fields left out are put back from the program
 * in force; when its version moved on since, the current texts are used
 * (the entity is re-evaluated against the new version on the next run).
 */
export function decodeScorecard(
  stored: Buffer | Uint8Array,
  programs?: ProgramLookup,
): Scorecard {
  return fromStoredText(inflateRawSync(stored), programs);
}

/** {@link decodeScorecard}, inflating in libuv's thread pool. */
export async function decodeScorecardAsync(
  stored: Buffer | Uint8Array,
  programs?: ProgramLookup,
): Promise<Scorecard> {
  return fromStoredText(await inflateStoredScorecard(stored), programs);
}

/**
 * The two halves of {@link decodeScorecardAsync}, for callers that inflate
 * many at once and pace the parsing themselves.
 */
export function inflateStoredScorecard(
  stored: Buffer | Uint8Array,
): Promise<Buffer> {
  return inflateRawAsync(stored);
}

export function fromStoredText(
  text: Buffer,
  programs?: ProgramLookup,
): Scorecard {
  const form = JSON.parse(text.toString('utf8')) as StoredForm;
  if (form.v === undefined) {
    return form.s;
  }
  const program = programs?.(form.s.programId);
  if (!program) {
    return form.s;
  }
  return transform(form.s, program, restore);
}
