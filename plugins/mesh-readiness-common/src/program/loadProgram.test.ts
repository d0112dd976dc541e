/* The helper expectOnly() holds the assertions of most tests here. */
/* eslint-disable jest/expect-expect */
import fs from 'fs';
import path from 'path';
import type { SourceProblem } from '../types';
import { loadProgram, loadProgramWithAnalyzers } from './loadProgram';
import type { AnalyzerDescriptor } from './programReferences';

const FILE = 'programs/test.yaml';
const BASE = fs.readFileSync(
  path.join(__dirname, '__fixtures__', 'minimal-program.yaml'),
  'utf8',
);

/** A small analyzer catalogue so these tests do not follow the engine's. */
const ANALYZERS: AnalyzerDescriptor[] = [
  {
    id: 'k8s.svc.protocol',
    evidence: ['manifests'],
    mesh: ['istio', 'linkerd'],
  },
  { id: 'k8s.svc.target', evidence: ['manifests'], mesh: ['istio', 'linkerd'] },
  {
    id: 'k8s.inject.present',
    evidence: ['cluster'],
    mesh: ['istio', 'linkerd'],
  },
  { id: 'sec.mtls.strict', evidence: ['manifests'], mesh: ['istio'] },
];

function load(text: string) {
  return loadProgramWithAnalyzers(text, FILE, ANALYZERS);
}

/** Replaces one exact occurrence of `from` in the base program. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

function problems(text: string): SourceProblem[] {
  const result = load(text);
  if (result.ok) {
    throw new Error('expected the program to be rejected');
  }
  return result.problems;
}

/** Asserts exactly one problem at file:line:column with the path. */
function expectOnly(
  text: string,
  line: number,
  column: number,
  yamlPath: string,
  message: RegExp,
) {
  const found = problems(text);
  expect(found).toEqual([
    {
      file: FILE,
      line,
      column,
      path: yamlPath,
      message: expect.stringMatching(message),
    },
  ]);
}

describe('loadProgram', () => {
  it('accepts a valid program and fills the optional lists', () => {
    const result = load(BASE);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.program.metadata).toEqual({
      name: 'test-program',
      title: 'Test program',
      version: '1.0',
    });
    expect(result.program.spec.checks[0]).toMatchObject({
      id: 'k8s.svc.protocol',
      evidence: ['manifests'],
      playbook: 'k8s.svc.protocol',
    });
    expect(result.program.spec.templates[1].fragment).toContain('mode: STRICT');

    const bare = BASE.slice(0, BASE.indexOf('  checklist:'));
    const loaded = load(
      edit(
        bare,
        '      playbook: k8s.svc.protocol\n      template: istio-namespace-injection\n',
        '',
      ),
    );
    expect(loaded.ok && loaded.program.spec).toMatchObject({
      checklist: [],
      playbooks: [],
      templates: [],
      waves: [],
    });
  });

  it('reports an unknown analyzer at its line and column', () => {
    expectOnly(
      edit(BASE, 'analyzer: k8s.svc.protocol', 'analyzer: k8s.svc.protocoll'),
      24,
      17,
      'spec.checks[0].analyzer',
      /^unknown analyzer "k8s.svc.protocoll"; the engine has no rule by that name \(closest: k8s.svc.protocol, k8s.svc.target\)$/,
    );
  });

  it('reports an analyzer that does not support the program mesh', () => {
    const linkerd = edit(BASE, 'mesh: istio', 'mesh: linkerd');
    expectOnly(
      edit(linkerd, 'analyzer: k8s.svc.protocol', 'analyzer: sec.mtls.strict'),
      24,
      17,
      'spec.checks[0].analyzer',
      /does not support linkerd/,
    );
  });

  it('reports evidence that does not cover what the analyzer reads', () => {
    expectOnly(
      edit(BASE, 'analyzer: k8s.svc.protocol', 'analyzer: k8s.inject.present'),
      23,
      17,
      'spec.checks[0].evidence',
      /reads cluster evidence/,
    );
  });

  it('checks analyzers against the engine registry', () => {
    const result = loadProgram(
      edit(BASE, 'analyzer: k8s.svc.protocol', 'analyzer: no.such.rule'),
      FILE,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toContainEqual({
      file: FILE,
      line: 24,
      column: 17,
      path: 'spec.checks[0].analyzer',
      message: expect.stringMatching(/^unknown analyzer "no.such.rule"/),
    });
  });

  it('reports duplicate ids, naming the first occurrence', () => {
    expectOnly(
      edit(
        BASE,
        '      title: Enforce\n',
        '      title: Enforce\n    - id: enforce\n      title: Again\n',
      ),
      17,
      11,
      'spec.phases[2].id',
      /^duplicate phase id "enforce" \(already used at spec.phases\[1\].id, line 15\)/,
    );
    // Checks and checklist items share one id space.
    expectOnly(
      edit(
        BASE,
        '    - id: runbook\n      title: Runbook\n',
        '    - id: k8s.svc.protocol\n      title: Runbook\n',
      ),
      29,
      11,
      'spec.checklist[0].id',
      /^duplicate check or checklist item id "k8s.svc.protocol" \(already used at spec.checks\[0\].id, line 18\)/,
    );
    expectOnly(
      edit(
        BASE,
        '      url: https://example.com/runbook\n',
        '      url: https://example.com/runbook\n    - id: runbook\n      title: Again\n      url: /again\n',
      ),
      46,
      11,
      'spec.playbooks[2].id',
      /^duplicate playbook id "runbook" \(already used at spec.playbooks\[1\].id, line 43\)/,
    );
    expectOnly(
      edit(BASE, '    - id: strict\n', '    - id: istio-namespace-injection\n'),
      50,
      11,
      'spec.templates[1].id',
      /^duplicate template id/,
    );
    expectOnly(
      edit(BASE, '    - id: enforce-wave\n', '    - id: pilot-wave\n'),
      66,
      11,
      'spec.waves[1].id',
      /^duplicate wave id "pilot-wave"/,
    );
  });

  it('reports references to playbooks and templates that do not exist', () => {
    expectOnly(
      edit(BASE, 'playbook: k8s.svc.protocol', 'playbook: k8s.svc.protocol-v2'),
      25,
      17,
      'spec.checks[0].playbook',
      /^playbook "k8s.svc.protocol-v2" does not exist; define it in spec.playbooks/,
    );
    expectOnly(
      edit(
        BASE,
        'template: istio-namespace-injection',
        'template: istio-injection',
      ),
      26,
      17,
      'spec.checks[0].template',
      /^template "istio-injection" does not exist/,
    );
    expectOnly(
      edit(BASE, '      playbook: runbook\n', '      playbook: run-book\n'),
      36,
      17,
      'spec.checklist[0].playbook',
      /^playbook "run-book" does not exist/,
    );
  });

  it('reports unknown phase references and phases out of order', () => {
    expectOnly(
      edit(
        BASE,
        '      phase: pilot\n      severity: required\n      evidence',
        '      phase: expand\n      severity: required\n      evidence',
      ),
      21,
      14,
      'spec.checks[0].phase',
      /^phase "expand" does not exist; the program's phases are pilot, enforce/,
    );
    expectOnly(
      edit(BASE, 'targetPhase: enforce', 'targetPhase: sustain'),
      68,
      20,
      'spec.waves[1].targetPhase',
      /^phase "sustain" does not exist/,
    );
    const swapped = edit(
      BASE,
      '    - id: pilot\n      title: Pilot\n    - id: enforce\n      title: Enforce\n',
      '    - id: enforce\n      title: Enforce\n    - id: pilot\n      title: Pilot\n',
    );
    // The waves now also run against the phase order, and say so.
    expect(problems(swapped)).toEqual([
      {
        file: FILE,
        line: 15,
        column: 11,
        path: 'spec.phases[1].id',
        message: expect.stringMatching(
          /^phase "pilot" is listed after "enforce"; .*pilot → expand → enforce → sustain/,
        ),
      },
      {
        file: FILE,
        line: 64,
        column: 16,
        path: 'spec.waves[0].dueDate',
        message: expect.stringMatching(
          /^wave "pilot-wave" is due at pilot on 2027-03-31, before wave "enforce-wave"/,
        ),
      },
    ]);
    // A cohort cannot be due at a later phase before an earlier one.
    expectOnly(
      edit(BASE, "dueDate: '2027-09-30'", "dueDate: '2027-01-31'"),
      69,
      16,
      'spec.waves[1].dueDate',
      /^wave "enforce-wave" is due at enforce on 2027-01-31, before wave "pilot-wave" .* for group:default\/payments-team/,
    );
  });

  it.each([
    // The point of these cases is that such links are refused.
    // eslint-disable-next-line no-script-url
    ['javascript:alert(1)', /uses the javascript: scheme/],
    ['data:text/html,<b>x</b>', /uses the data: scheme/],
    ['file:///etc/passwd', /uses the file: scheme/],
    // eslint-disable-next-line no-script-url
    ['JavaScript:alert(1)', /uses the javascript: scheme/],
    ['//evil.example/x', /protocol-relative/],
    ['"java\\tscript:alert(1)"', /control characters/],
    ['https://', /not a valid URL|no host/],
  ])('rejects the link %s', (link, message) => {
    expectOnly(
      edit(BASE, 'url: https://example.com/runbook', `url: ${link}`),
      45,
      12,
      'spec.playbooks[1].url',
      message,
    );
  });

  it('rejects a bad link in playbook references', () => {
    expectOnly(
      edit(
        BASE,
        '        - https://istio.io/',
        '        - vbscript:x\n        - https://istio.io/',
      ),
      42,
      11,
      'spec.playbooks[0].references[0]',
      /uses the vbscript: scheme/,
    );
  });

  it('accepts http(s) and relative links', () => {
    for (const link of [
      'http://example.com/a',
      '/docs/x/',
      'runbook.md',
      '../a#b',
      '?q=1',
    ]) {
      expect(
        load(edit(BASE, 'url: https://example.com/runbook', `url: '${link}'`))
          .ok,
      ).toBe(true);
    }
  });

  it.each([
    ['90D', /not an ISO-8601 duration/],
    ['P', /not an ISO-8601 duration/],
    ['PT', /not an ISO-8601 duration/],
    ['P1.5D', /not an ISO-8601 duration/],
    ['P0D', /zero duration/],
    ['P1DT', /not an ISO-8601 duration/],
  ])('rejects the duration %s', (duration, message) => {
    expectOnly(
      edit(BASE, 'expiresAfter: P180D', `expiresAfter: ${duration}`),
      35,
      21,
      'spec.checklist[0].expiresAfter',
      message,
    );
  });

  it('accepts ISO-8601 durations', () => {
    for (const duration of ['P1Y', 'P6M', 'P2W', 'P1Y2M3DT4H5M6S', 'PT12H']) {
      expect(
        load(edit(BASE, 'expiresAfter: P180D', `expiresAfter: ${duration}`)).ok,
      ).toBe(true);
    }
  });

  it.each([
    ["'2027-02-30'", /not a calendar date/],
    ["'2027-3-31'", /YYYY-MM-DD/],
    ["'31/03/2027'", /YYYY-MM-DD/],
    ["'2027-13-01'", /not a calendar date/],
  ])('rejects the due date %s', (date, message) => {
    expectOnly(
      edit(BASE, "dueDate: '2027-03-31'", `dueDate: ${date}`),
      64,
      16,
      'spec.waves[0].dueDate',
      message,
    );
  });

  it('reports wrong types', () => {
    expectOnly(
      edit(BASE, "version: '1.0'", 'version: 1.0'),
      6,
      12,
      'metadata.version',
      /^must be a string, found the number 1; quote it to keep it as text: '1.0'$/,
    );
    expectOnly(
      edit(BASE, 'evidence: [manifests]', 'evidence: manifests'),
      23,
      17,
      'spec.checks[0].evidence',
      /^must be a list, found the string "manifests"/,
    );
    expectOnly(
      edit(
        BASE,
        'severity: required\n      evidence',
        'severity: blocking\n      evidence',
      ),
      22,
      17,
      'spec.checks[0].severity',
      /^"blocking" is not one of required, recommended/,
    );
    expectOnly(
      edit(BASE, 'roles: [owner]', 'roles: [owner, auditor]'),
      34,
      22,
      'spec.checklist[0].roles[1]',
      /^"auditor" is not one of owner, security, platform/,
    );
    expectOnly(
      edit(BASE, 'kind: Program', 'kind: Programme'),
      2,
      7,
      'kind',
      /^must be "Program", found "Programme"/,
    );
  });

  it('reports missing required fields at the owning mapping', () => {
    expectOnly(
      edit(BASE, '      rationale: Explicit protocols avoid sniffing.\n', ''),
      18,
      7,
      'spec.checks[0].rationale',
      /^missing required field "rationale" in spec.checks\[0\]/,
    );
    expectOnly(
      edit(BASE, '      title: Pilot wave\n', '      title:\n'),
      62,
      7,
      'spec.waves[0].title',
      /^"title" has no value/,
    );
  });

  it('reports unknown fields with a suggestion', () => {
    expectOnly(
      edit(
        BASE,
        '      playbook: k8s.svc.protocol\n',
        '      playbok: k8s.svc.protocol\n',
      ),
      25,
      7,
      'spec.checks[0].playbok',
      /^unknown field "playbok" in spec.checks\[0\] \(did you mean "playbook"\?\)/,
    );
  });

  it('accepts a templateRef with a fragment, the fallback where the template is not in the catalog', () => {
    const text = edit(
      BASE,
      '      templateRef: template:default/istio-namespace-injection\n',
      '      templateRef: template:default/istio-namespace-injection\n' +
        '      fragment: |\n' +
        '        apiVersion: v1\n' +
        '        kind: Namespace\n' +
        '        metadata:\n' +
        '          name: my-namespace\n' +
        '          labels:\n' +
        '            istio-injection: enabled\n',
    );
    const result = load(text);
    expect(result.ok && result.program.spec.templates[0]).toEqual(
      expect.objectContaining({
        templateRef: 'template:default/istio-namespace-injection',
        fragment: expect.stringContaining('istio-injection: enabled'),
      }),
    );
  });

  it('reports template, entity reference and cohort problems', () => {
    expectOnly(
      edit(
        BASE,
        '      templateRef: template:default/istio-namespace-injection\n',
        '',
      ),
      47,
      7,
      'spec.templates[0]',
      /needs a templateRef .* or an inline fragment/,
    );
    expectOnly(
      edit(
        BASE,
        'templateRef: template:default/istio-namespace-injection',
        'templateRef: group:default/x',
      ),
      49,
      20,
      'spec.templates[0].templateRef',
      /a template reference is expected/,
    );
    expectOnly(
      edit(BASE, '            mode: STRICT\n', '            mode: [STRICT\n'),
      52,
      17,
      'spec.templates[1].fragment',
      /^the fragment is not valid YAML \(line 8 of the fragment/,
    );
    expectOnly(
      edit(
        BASE,
        '      groups: [group:default/payments-team]\n    - id: enforce',
        '      groups: [user:default/jane]\n    - id: enforce',
      ),
      65,
      16,
      'spec.waves[0].groups[0]',
      /refers to a user; a group reference is expected/,
    );
    expectOnly(
      edit(
        BASE,
        '      groups: [group:default/payments-team]\n    - id: enforce',
        '      groups: []\n    - id: enforce',
      ),
      61,
      7,
      'spec.waves[0]',
      /names no groups or entities/,
    );
  });

  it('turns YAML syntax errors into problems', () => {
    expect(
      problems(
        edit(BASE, '  title: Test program\n', '  title: Test: program\n'),
      ),
    ).toEqual([
      {
        file: FILE,
        line: 5,
        column: 10,
        path: '',
        message:
          'YAML syntax error: Nested mappings are not allowed in compact mappings',
      },
    ]);
    expect(
      problems(
        edit(BASE, '  title: Test program\n', '\ttitle: Test program\n'),
      )[0],
    ).toMatchObject({
      line: 5,
      column: 1,
      message: 'YAML syntax error: tabs cannot indent YAML; use spaces',
    });

    expect(
      problems(
        edit(BASE, "  version: '1.0'\n", "  version: '1.0'\n  name: again\n"),
      ),
    ).toEqual([
      {
        file: FILE,
        line: 7,
        column: 3,
        path: '',
        message:
          'YAML syntax error: the field "name" is given twice in the same mapping',
      },
    ]);
    expect(problems(`${BASE}---\n${BASE}`)[0].message).toMatch(
      /more than one YAML document/,
    );
    expect(problems('')).toEqual([
      {
        file: FILE,
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty; expected a Program document',
      },
    ]);
  });

  it('stops an alias bomb in analyzer parameters without expanding it', () => {
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const bomb = levels
      .map((name, level) => {
        const item = level === 0 ? 'x' : `*${levels[level - 1]}`;
        return `        ${name}: &${name} [${Array(10)
          .fill(item)
          .join(', ')}]\n`;
      })
      .join('');
    const text = edit(
      BASE,
      '      remediation: Name the port or set appProtocol.\n',
      `      remediation: Name the port or set appProtocol.\n      params:\n${bomb}`,
    );
    expectOnly(
      text,
      29,
      9,
      'spec.checks[0].params',
      /^cannot be read: .*alias/i,
    );
  });

  it('follows anchors and aliases', () => {
    const text = edit(
      edit(
        BASE,
        'evidence: [manifests]',
        'evidence: &manifestsOnly [manifests]',
      ),
      '      remediation: Name the port or set appProtocol.\n',
      [
        '      remediation: Name the port or set appProtocol.',
        '    - id: k8s.svc.target',
        '      title: Target ports exist',
        '      rationale: Routing breaks otherwise.',
        '      phase: pilot',
        '      severity: required',
        '      evidence: *manifestsOnly',
        '      analyzer: k8s.svc.target',
        '      remediation: Fix the port.',
        '',
      ].join('\n'),
    );
    const result = load(text);
    expect(result.ok && result.program.spec.checks[1].evidence).toEqual([
      'manifests',
    ]);
    expectOnly(
      text.replace('evidence: *manifestsOnly', 'evidence: *nowhere'),
      33,
      17,
      'spec.checks[1].evidence',
      /^the alias \*nowhere has no anchor$/,
    );
  });

  it('refuses an alias loop without following it', () => {
    const text = edit(
      BASE,
      '      remediation: Name the port or set appProtocol.\n',
      '      remediation: Name the port or set appProtocol.\n      params: &loop\n        again: *loop\n',
    );
    expectOnly(
      text,
      29,
      9,
      'spec.checks[0].params',
      /^cannot be read: .*alias loop/,
    );
  });

  it('names the first entry of a value listed twice', () => {
    expectOnly(
      edit(BASE, 'kinds: [Component]', 'kinds: [Component, Component]'),
      10,
      24,
      'spec.appliesTo.kinds[1]',
      /^"Component" is listed twice \(first at spec.appliesTo.kinds\[0\]\)$/,
    );
  });

  it('rejects a document that is not a mapping', () => {
    expectOnly(
      '- a\n- b\n',
      1,
      1,
      '',
      /^must be a mapping of fields, found a list$/,
    );
    expectOnly(
      'just text\n',
      1,
      1,
      '',
      /^must be a mapping of fields, found the string "just text"$/,
    );
  });

  it('reports every problem of a broken program at once, in file order', () => {
    let text = BASE;
    text = edit(text, 'analyzer: k8s.svc.protocol', 'analyzer: nope');
    text = edit(text, 'playbook: k8s.svc.protocol', 'playbook: nope');
    text = edit(text, 'expiresAfter: P180D', 'expiresAfter: 180 days');
    text = edit(
      text,
      'url: https://example.com/runbook',
      'url: javascript:void(0)',
    );
    text = edit(text, "dueDate: '2027-03-31'", "dueDate: '2027-04-31'");
    const found = problems(text);
    expect(found.map(p => `${p.file}:${p.line}:${p.column} ${p.path}`)).toEqual(
      [
        `${FILE}:24:17 spec.checks[0].analyzer`,
        `${FILE}:25:17 spec.checks[0].playbook`,
        `${FILE}:35:21 spec.checklist[0].expiresAfter`,
        `${FILE}:45:12 spec.playbooks[1].url`,
        `${FILE}:64:16 spec.waves[0].dueDate`,
      ],
    );
  });
});
