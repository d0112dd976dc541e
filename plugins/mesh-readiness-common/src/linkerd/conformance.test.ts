/*
 * Conformance with `linkerd inject`: runs the fixture corpus copied from
 * Linkerd's CLI tests (conformance/linkerd-inject, see its SOURCE.md)
 * through our injection-eligibility rules and compares, per case, the
 * per-resource verdicts of expected.json and the report / error text that
 * upstream compares character for character.
 *
 * The stream handling and report layout below reproduce how the CLI reads
 * its input and prints its report; they belong to this harness, while the
 * rules under test are those of injectEligibility.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isPlainObject } from '../manifests';
import {
  LinkerdInjectReport,
  linkerdInjectCliError,
  linkerdInjectReport,
} from './injectEligibility';

const CORPUS = path.resolve(__dirname, '../../conformance/linkerd-inject');

interface ExpectedEntry {
  resource: string;
  injectable: boolean;
  reasons: string[];
  warnings: string[];
  outcome: string;
}

interface ConformanceCase {
  name: string;
  input: string;
  options: {
    uninjectFirst: boolean;
    manual: boolean;
    allowNamespaceAnnotation: boolean;
    valuesChanged: Record<string, unknown>;
  };
  reportFile: string;
  reportFileVerbose: string;
  exitCode: number;
  warningLines: string[];
  error: string | null;
  expected: ExpectedEntry[];
}

const cases: ConformanceCase[] = JSON.parse(
  fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8'),
);

/**
 * Splits a stream at `---` lines the way Kubernetes' YAML reader does: a
 * chunk is returned when it holds any byte (a lone newline counts, which
 * is how empty documents reach the report), and a separator at the very
 * start or end yields nothing.
 */
function splitStream(text: string): string[] {
  const chunks: string[] = [];
  let buffer = '';
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('---') && line.slice(3).trim() === '') {
      if (buffer.length > 0) chunks.push(buffer);
      buffer = '';
    } else {
      buffer += line;
    }
  }
  if (buffer.length > 0) chunks.push(buffer);
  return chunks;
}

/** Documents in input order, List items expanded (null items kept). */
function documents(text: string): unknown[] {
  const result: unknown[] = [];
  for (const chunk of splitStream(text)) {
    const value = parse(chunk);
    if (
      isPlainObject(value) &&
      value.kind === 'List' &&
      Array.isArray(value.items)
    ) {
      result.push(...value.items);
    } else {
      result.push(value);
    }
  }
  return result;
}

interface CaseRun {
  entries: ExpectedEntry[];
  error: string | null;
  report: (verbose: boolean) => string;
  warningLines: string[];
}

function runCase(testCase: ConformanceCase): CaseRun {
  const projection =
    testCase.options.valuesChanged['identity.serviceAccountTokenProjection'];
  const reports = documents(
    fs.readFileSync(path.join(CORPUS, testCase.input), 'utf8'),
  ).map(doc =>
    linkerdInjectReport(doc, {
      origin: 'cli',
      uninjectFirst: testCase.options.uninjectFirst,
      serviceAccountTokenProjection: projection === false ? false : undefined,
    }),
  );

  // The CLI refuses control-plane components without --manual before any
  // report check, then fails on any fatal reason.
  const errors: Array<{ report: LinkerdInjectReport; text: string }> = [];
  for (const report of reports) {
    if (report.controlPlaneComponent && !testCase.options.manual) {
      errors.push({
        report,
        text: '--manual must be set when injecting control plane components',
      });
      break;
    }
    const text = linkerdInjectCliError(report);
    if (text) errors.push({ report, text });
  }
  if (errors.length > 0) {
    const controlPlane = errors.some(e => e.text.startsWith('--manual'));
    const stderr = `Error transforming resources:\n${errors
      .map(e => e.text)
      .join('\n')}`;
    return {
      entries: errors.map(({ report }) => ({
        resource: report.resource,
        injectable: false,
        reasons: controlPlane ? [] : [...report.reasons],
        warnings: controlPlane ? [] : [...report.warnings],
        outcome: 'error',
      })),
      error: stderr.slice('Error transforming resources:\n'.length) || null,
      report: () => stderr,
      warningLines: [],
    };
  }

  const annotated = (r: LinkerdInjectReport) =>
    r.kind === 'Namespace' && testCase.options.allowNamespaceAnnotation;
  const outcome = (r: LinkerdInjectReport) => {
    if (r.kind === '') return 'skipped (document missing "kind" field)';
    if (r.injectable) return 'injected';
    return annotated(r) ? 'annotated' : 'skipped';
  };
  const entries = reports.map(r => ({
    resource: r.resource,
    injectable: r.injectable,
    reasons: [...r.reasons],
    warnings: [...r.warnings],
    outcome: outcome(r),
  }));

  const listed = (pick: (r: LinkerdInjectReport) => boolean) =>
    reports.filter(pick).map(r => r.resource);
  const hostNetwork = listed(r => r.reasons.includes('host_network_enabled'));
  const sidecar = listed(r => r.reasons.includes('sidecar_already_exists'));
  const disabled = listed(r =>
    r.reasons.includes('injection_disable_annotation_present'),
  );
  const udp = listed(r => r.warnings.includes('udp_ports_enabled'));
  // "Supported" here means a kind the injector handles, even when this
  // workload is skipped (a disabled workload does not trigger the warning).
  const anySupported = reports.some(r => r.supported || r.annotatable);
  const checks: Array<{ ok: boolean; okLine: string; warning?: string }> = [
    {
      ok: hostNetwork.length === 0,
      okLine: 'pods do not use host networking',
      warning: `"hostNetwork: true" detected in ${hostNetwork.join(', ')}`,
    },
    {
      ok: sidecar.length === 0,
      okLine:
        'pods do not have a 3rd party proxy or initContainer already injected',
      warning: `known 3rd party sidecar detected in ${sidecar.join(', ')}`,
    },
    {
      ok: disabled.length === 0,
      okLine: 'pods are not annotated to disable injection',
      warning: `"linkerd.io/inject: disabled" annotation set on ${disabled.join(
        ', ',
      )}`,
    },
    {
      ok: anySupported,
      okLine: 'at least one resource can be injected or annotated',
      warning: 'no supported objects found',
    },
    {
      ok: udp.length === 0,
      okLine: 'pod specs do not include UDP ports',
      warning: `${udp.join(', ')} ${
        udp.length > 1 ? 'use' : 'uses'
      } "protocol: UDP"`,
    },
    {
      ok: true,
      okLine:
        'pods do not have automountServiceAccountToken set to "false" or service account token projection is enabled',
    },
  ];
  const warningLines = checks
    .filter(c => !c.ok)
    .map(c => `\u203c ${c.warning}`);
  const summary = reports.map(r =>
    r.kind === ''
      ? 'document missing "kind" field, skipped'
      : `${r.kind.toLowerCase()} "${r.name}" ${outcome(r)}`,
  );
  const report = (verbose: boolean) => {
    const lines = checks
      .filter(c => verbose || !c.ok)
      .map(c => (c.ok ? `\u221a ${c.okLine}` : `\u203c ${c.warning}`));
    const head = lines.length > 0 ? `${lines.join('\n')}\n\n` : '';
    return `\n${head}${summary.map(s => `${s}\n`).join('')}\n`;
  };
  return { entries, error: null, report, warningLines };
}

function conforms(testCase: ConformanceCase, run: CaseRun): boolean {
  const read = (file: string) =>
    fs.readFileSync(path.join(CORPUS, file), 'utf8');
  const expectedError = testCase.error === null ? null : testCase.error;
  return (
    JSON.stringify(run.entries) === JSON.stringify(testCase.expected) &&
    run.error === expectedError &&
    JSON.stringify(run.warningLines) ===
      JSON.stringify(testCase.warningLines) &&
    run.report(false) === read(testCase.reportFile) &&
    run.report(true) === read(testCase.reportFileVerbose)
  );
}

describe('linkerd inject conformance', () => {
  const passed: string[] = [];

  it.each(cases.map(c => [c.name, c] as const))('%s', (_name, testCase) => {
    const run = runCase(testCase);
    const read = (file: string) =>
      fs.readFileSync(path.join(CORPUS, file), 'utf8');
    expect(run.entries).toEqual(testCase.expected);
    expect(run.error).toEqual(testCase.error);
    expect(run.warningLines).toEqual(testCase.warningLines);
    expect(run.report(false)).toBe(read(testCase.reportFile));
    expect(run.report(true)).toBe(read(testCase.reportFileVerbose));
    if (conforms(testCase, run)) passed.push(testCase.name);
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `linkerd inject conformance: ${passed.length}/${cases.length} cases pass`,
    );
  });

  it('covers every case of the corpus', () => {
    expect(cases).toHaveLength(21);
  });
});
