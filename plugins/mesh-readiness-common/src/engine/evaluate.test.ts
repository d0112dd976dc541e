import { EVERY_DATA_PLANE } from '../dataplane';
import type { AnalyzerOutcome, CheckAnalyzer } from '../checks/types';
import type {
  Attestation,
  EntityFacts,
  EvidenceSource,
  Program,
  ProgramCheck,
  ProgramChecklistItem,
  Waiver,
} from '../types';
import { evaluateWithAnalyzers } from './evaluate';
import { computeFactsHash, computeSourceFingerprint } from './hashing';
import { serializeScorecard } from './serializeScorecard';

/*
 * These tests pin the evaluation rules with analyzers whose verdict the test
 * controls; the analyzers of the engine are tested in src/checks.
 */

const NOW = '2027-01-15T12:00:00.000Z';

/** An analyzer with a given verdict reading the given sources. */
function analyzer(
  id: string,
  status: AnalyzerOutcome['status'],
  evidence: EvidenceSource[] = ['manifests'],
  mesh: CheckAnalyzer['mesh'] = ['istio', 'linkerd'],
): CheckAnalyzer {
  return {
    id,
    title: id,
    evidence,
    mesh,
    dataPlanes: EVERY_DATA_PLANE,
    analyze: () => ({
      status,
      summary: `${id} says ${status}`,
      findings: [
        {
          level:
            status === 'not-applicable' || status === 'unknown'
              ? 'info'
              : status,
          message: id,
        },
      ],
    }),
  };
}

/** Fails when a Service port has no name; reads the parsed manifests. */
const namedPorts: CheckAnalyzer = {
  id: 'named-ports',
  title: 'Service ports are named',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze: ({ manifests }) => {
    const findings = manifests.ofKind('Service').flatMap(service =>
      ((service.body.spec?.ports ?? []) as Array<{ name?: string }>)
        .map((port, index) => ({ port, index }))
        .filter(({ port }) => !port.name)
        .map(({ index }) => ({
          level: 'fail' as const,
          message: `port ${index} of ${service.name} has no name`,
          file: service.file,
          line: service.lineOf(['spec', 'ports', index]),
        })),
    );
    return findings.length
      ? {
          status: 'fail',
          summary: `${findings.length} unnamed ports`,
          findings,
        }
      : { status: 'pass', summary: 'all ports named', findings: [] };
  },
};

const ANALYZERS = new Map<string, CheckAnalyzer>(
  [
    analyzer('ok', 'pass'),
    analyzer('bad', 'fail'),
    analyzer('meh', 'warn'),
    analyzer('na', 'not-applicable'),
    analyzer('cluster-only', 'pass', ['cluster']),
    analyzer('metrics-and-manifests', 'pass', ['manifests', 'metrics']),
    analyzer('catalog-only', 'pass', ['catalog']),
    analyzer('linkerd-only', 'fail', ['manifests'], ['linkerd']),
    {
      ...analyzer('throws', 'pass'),
      analyze: () => {
        throw new Error('boom');
      },
    },
    namedPorts,
  ].map(a => [a.id, a]),
);
const lookup = (id: string) => ANALYZERS.get(id);

function check(
  id: string,
  analyzerId: string,
  phase: string,
  extra: Partial<ProgramCheck> = {},
): ProgramCheck {
  return {
    id,
    title: `Check ${id}`,
    rationale: 'because',
    phase,
    severity: 'required',
    evidence: ANALYZERS.get(analyzerId)?.evidence ?? ['manifests'],
    analyzer: analyzerId,
    remediation: `fix ${id}`,
    playbook: 'pb',
    ...extra,
  };
}

function item(
  id: string,
  phase: string,
  extra: Partial<ProgramChecklistItem> = {},
): ProgramChecklistItem {
  return {
    id,
    title: `Item ${id}`,
    description: 'manual',
    phase,
    severity: 'required',
    roles: ['owner'],
    ...extra,
  };
}

function program(
  checks: ProgramCheck[],
  checklist: ProgramChecklistItem[] = [],
): Program {
  return {
    apiVersion: 'mesh-readiness.io/v1alpha1',
    kind: 'Program',
    metadata: { name: 'test', title: 'Test', version: '3' },
    spec: {
      mesh: 'istio',
      appliesTo: { kinds: ['Component'] },
      phases: [
        { id: 'pilot', title: 'Pilot' },
        { id: 'expand', title: 'Expand' },
        { id: 'enforce', title: 'Enforce' },
      ],
      checks,
      checklist,
      playbooks: [{ id: 'pb', title: 'Playbook', url: '/docs/pb/' }],
      templates: [
        { id: 'tpl', title: 'Template', templateRef: 'template:default/t' },
      ],
      waves: [],
    },
  };
}

const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
    - port: 8443
`;

function facts(extra: Partial<EntityFacts> = {}): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web', namespace: 'default', etag: 'abc' },
      spec: { type: 'service', owner: 'group:default/team' },
    },
    manifests: [{ path: 'deploy/service.yaml', content: SERVICE_YAML }],
    sources: {
      catalog: { status: 'ok', fetchedAt: '2027-01-15T11:00:00.000Z' },
      manifests: { status: 'ok', fetchedAt: '2027-01-15T11:30:00.000Z' },
    },
    attestations: [],
    waivers: [],
    now: NOW,
    ...extra,
  };
}

function waiver(itemId: string, extra: Partial<Waiver> = {}): Waiver {
  return {
    id: `w-${itemId}`,
    entityRef: 'component:default/web',
    programId: 'test',
    itemId,
    state: 'approved',
    justification: 'legacy port, tracked in JIRA-1',
    requestedBy: 'user:default/dev',
    requestedAt: '2027-01-01T00:00:00.000Z',
    decidedBy: 'user:default/platform',
    expiresAt: '2027-02-01T00:00:00.000Z',
    ...extra,
  };
}

function attestation(
  itemId: string,
  extra: Partial<Attestation> = {},
): Attestation {
  return {
    id: `a-${itemId}`,
    entityRef: 'component:default/web',
    programId: 'test',
    itemId,
    attestedBy: 'user:default/dev',
    role: 'owner',
    attestedAt: '2027-01-10T00:00:00.000Z',
    ...extra,
  };
}

const run = (p: Program, f: EntityFacts = facts()) =>
  evaluateWithAnalyzers(p, f, lookup);

describe('evaluate', () => {
  it('reaches the last phase when every required item passes', () => {
    const card = run(
      program([
        check('a', 'ok', 'pilot'),
        check('b', 'na', 'expand'),
        check('c', 'ok', 'enforce'),
      ]),
    );
    expect(card).toMatchObject({
      entityRef: 'component:default/web',
      programId: 'test',
      programVersion: '3',
      mesh: 'istio',
      phase: 'enforce',
      progress: { passed: 1, total: 1, ratio: 1 },
      nextSteps: [],
      notConnected: [],
      evaluatedAt: NOW,
      factsTimestamp: '2027-01-15T11:30:00.000Z',
    });
    expect(card.nextPhase).toBeUndefined();
    expect(card.checks[0]).toMatchObject({
      checkId: 'a',
      status: 'pass',
      playbook: { id: 'pb', url: '/docs/pb/' },
      remediation: 'fix a',
    });
  });

  it('runs analyzers on the parsed manifests with file and line', () => {
    const card = run(
      program([check('ports', 'named-ports', 'pilot', { template: 'tpl' })]),
    );
    expect(card.phase).toBe('not-started');
    expect(card.checks[0]).toMatchObject({
      status: 'fail',
      summary: '1 unnamed ports',
      findings: [
        {
          level: 'fail',
          message: 'port 1 of web has no name',
          file: 'deploy/service.yaml',
          line: 12,
        },
      ],
      template: { id: 'tpl', templateRef: 'template:default/t' },
    });
  });

  it('stops at the first phase with a blocking required item', () => {
    const card = run(
      program([
        check('a', 'ok', 'pilot'),
        check('b', 'bad', 'expand'),
        check('c', 'ok', 'expand'),
        check('d', 'ok', 'enforce'),
      ]),
    );
    expect(card.phase).toBe('pilot');
    expect(card.nextPhase).toBe('expand');
    expect(card.progress).toEqual({ passed: 1, total: 2, ratio: 0.5 });
    expect(
      card.phases.map(p => [
        p.id,
        p.complete,
        p.requiredPassed,
        p.requiredTotal,
      ]),
    ).toEqual([
      ['pilot', true, 1, 1],
      ['expand', false, 1, 2],
      ['enforce', true, 1, 1],
    ]);
    expect(card.nextSteps.map(s => s.itemId)).toEqual(['b']);
  });

  it('is not-started while the first phase is incomplete', () => {
    const card = run(
      program([check('a', 'bad', 'pilot'), check('b', 'ok', 'expand')]),
    );
    expect(card.phase).toBe('not-started');
    expect(card.nextPhase).toBe('pilot');
    expect(card.progress).toEqual({ passed: 0, total: 1, ratio: 0 });
  });

  it('does not block a phase on a source that is not connected, and says so', () => {
    const card = run(
      program([
        check('a', 'ok', 'pilot'),
        check('live', 'cluster-only', 'pilot'),
        check('slo', 'metrics-and-manifests', 'expand'),
      ]),
    );
    expect(card.checks[1]).toMatchObject({
      status: 'not-evaluated',
      summary: 'needs cluster evidence',
    });
    expect(card.checks[2]).toMatchObject({
      status: 'not-evaluated',
      summary: 'needs metrics evidence',
    });
    expect(card.phase).toBe('enforce');
    expect(card.notConnected).toEqual(['cluster', 'metrics']);
    expect(card.phases[0]).toMatchObject({
      requiredTotal: 1,
      requiredPassed: 1,
      notEvaluated: 1,
    });
    expect(card.nextSteps).toEqual([]);
  });

  it('turns a failed source into unknown with the reason, which blocks', () => {
    const card = run(
      program([
        check('a', 'ok', 'pilot'),
        check('live', 'cluster-only', 'pilot'),
      ]),
      facts({
        sources: {
          manifests: { status: 'ok' },
          cluster: { status: 'failed', reason: 'connection refused' },
        },
      }),
    );
    expect(card.checks[1]).toMatchObject({
      status: 'unknown',
      summary: 'cluster evidence unavailable: connection refused',
    });
    expect(card.phase).toBe('not-started');
    expect(card.nextSteps[0]).toMatchObject({
      itemId: 'live',
      status: 'unknown',
    });
  });

  it('prefers not-evaluated over unknown when one source is missing and another failed', () => {
    const card = run(
      program([check('slo', 'metrics-and-manifests', 'pilot')]),
      facts({
        sources: { manifests: { status: 'failed', reason: 'HTTP 500' } },
      }),
    );
    expect(card.checks[0]).toMatchObject({
      status: 'not-evaluated',
      summary: 'needs metrics evidence',
    });
  });

  it('counts the catalog as connected unless it failed', () => {
    const noCatalogStatus = run(
      program([check('c', 'catalog-only', 'pilot')]),
      facts({ sources: { manifests: { status: 'ok' } } }),
    );
    expect(noCatalogStatus.checks[0].status).toBe('pass');
    const failedCatalog = run(
      program([check('c', 'catalog-only', 'pilot')]),
      facts({ sources: { catalog: { status: 'failed' } } }),
    );
    expect(failedCatalog.checks[0]).toMatchObject({
      status: 'unknown',
      summary: 'catalog evidence unavailable',
    });
  });

  it('never takes the built-in manifests source as not connected', () => {
    const p = program([check('a', 'ok', 'pilot')]);
    const withFiles = run(p, facts({ sources: {} }));
    expect(withFiles.checks[0].status).toBe('pass');
    const withoutFiles = run(p, facts({ sources: {}, manifests: undefined }));
    expect(withoutFiles.checks[0]).toMatchObject({
      status: 'unknown',
      summary:
        'manifests evidence unavailable: no manifests were collected for this entity',
    });
    expect(withoutFiles.notConnected).toEqual([]);
  });

  it('applies checks to the program mesh only and survives analyzer errors', () => {
    const card = run(
      program([
        check('l', 'linkerd-only', 'pilot'),
        check('t', 'throws', 'pilot'),
        check('gone', 'no-such-analyzer', 'pilot'),
      ]),
    );
    expect(card.checks.map(c => [c.status, c.summary])).toEqual([
      ['not-applicable', 'does not apply to istio'],
      ['unknown', 'the analyzer "throws" failed: boom'],
      ['unknown', 'this engine has no analyzer "no-such-analyzer"'],
    ]);
  });

  it('waives failing checks with an approved waiver until it expires', () => {
    const p = program([check('a', 'bad', 'pilot'), check('b', 'ok', 'pilot')]);
    const waived = run(p, facts({ waivers: [waiver('a')] }));
    expect(waived.checks[0]).toMatchObject({
      status: 'waived',
      summary: 'waived (was fail): bad says fail',
      waiver: {
        id: 'w-a',
        justification: 'legacy port, tracked in JIRA-1',
        expiresAt: '2027-02-01T00:00:00.000Z',
        decidedBy: 'user:default/platform',
      },
    });
    expect(waived.phase).toBe('enforce');
    expect(waived.validUntil).toBe('2027-02-01T00:00:00.000Z');

    for (const notInForce of [
      waiver('a', { expiresAt: '2027-01-15T12:00:00.000Z' }),
      waiver('a', { state: 'requested' }),
      waiver('a', { state: 'revoked' }),
      waiver('a', { programId: 'other' }),
    ]) {
      const card = run(p, facts({ waivers: [notInForce] }));
      expect(card.checks[0].status).toBe('fail');
      expect(card.phase).toBe('not-started');
      expect(card.validUntil).toBeUndefined();
    }
    // A passing check is never shown as waived.
    expect(run(p, facts({ waivers: [waiver('b')] })).checks[1].status).toBe(
      'pass',
    );
  });

  it('lets a recommended warning pass but not a required one', () => {
    const recommended = run(
      program([check('w', 'meh', 'pilot', { severity: 'recommended' })]),
    );
    expect(recommended.phase).toBe('enforce');
    expect(recommended.nextSteps.map(s => [s.itemId, s.status])).toEqual([
      ['w', 'warn'],
    ]);
    const required = run(program([check('w', 'meh', 'pilot')]));
    expect(required.phase).toBe('not-started');
  });

  it('orders next steps by phase, then required first, then id', () => {
    const card = run(
      program(
        [
          check('z.late', 'bad', 'enforce'),
          check('b.rec', 'bad', 'pilot', { severity: 'recommended' }),
          check('c.req', 'bad', 'pilot'),
          check('a.rec', 'meh', 'pilot', { severity: 'recommended' }),
          check('m.mid', 'bad', 'expand'),
        ],
        [item('d.runbook', 'pilot'), item('a.review', 'enforce')],
      ),
    );
    expect(
      card.nextSteps.map(s => `${s.phase}/${s.severity}/${s.itemId}`),
    ).toEqual([
      'pilot/required/c.req',
      'pilot/required/d.runbook',
      'pilot/recommended/a.rec',
      'pilot/recommended/b.rec',
      'expand/required/m.mid',
      'enforce/required/a.review',
      'enforce/required/z.late',
    ]);
    expect(card.nextSteps[1]).toEqual({
      kind: 'checklist',
      itemId: 'd.runbook',
      title: 'Item d.runbook',
      phase: 'pilot',
      severity: 'required',
      status: 'missing',
    });
  });

  describe('checklist', () => {
    const p = (extra: Partial<ProgramChecklistItem> = {}) =>
      program([check('a', 'ok', 'pilot')], [item('runbook', 'pilot', extra)]);

    it('is attested by a valid attestation and missing without one', () => {
      expect(run(p()).checklist[0].status).toBe('missing');
      expect(run(p()).phase).toBe('not-started');
      const card = run(
        p(),
        facts({
          attestations: [
            attestation('runbook', { evidenceUrl: 'https://wiki/rb' }),
          ],
        }),
      );
      expect(card.checklist[0]).toMatchObject({
        status: 'attested',
        attestation: {
          id: 'a-runbook',
          attestedBy: 'user:default/dev',
          role: 'owner',
          evidenceUrl: 'https://wiki/rb',
        },
      });
      expect(card.phase).toBe('enforce');
    });

    it('expires after expiresAfter or at the attestation expiry', () => {
      const item90 = p({ expiresAfter: 'P90D' });
      const fresh = run(
        item90,
        facts({ attestations: [attestation('runbook')] }),
      );
      expect(fresh.checklist[0]).toMatchObject({
        status: 'attested',
        attestation: { expiresAt: '2027-04-10T00:00:00.000Z' },
      });
      expect(fresh.validUntil).toBe('2027-04-10T00:00:00.000Z');
      const old = run(
        item90,
        facts({
          attestations: [
            attestation('runbook', { attestedAt: '2026-10-01T00:00:00.000Z' }),
          ],
        }),
      );
      expect(old.checklist[0].status).toBe('expired');
      expect(old.nextSteps[0]).toMatchObject({
        itemId: 'runbook',
        status: 'expired',
      });
      const explicit = run(
        p(),
        facts({
          attestations: [
            attestation('runbook', { expiresAt: '2027-01-14T00:00:00.000Z' }),
          ],
        }),
      );
      expect(explicit.checklist[0].status).toBe('expired');
    });

    it('ignores revoked attestations, other roles and future ones', () => {
      for (const ignored of [
        attestation('runbook', { revokedAt: '2027-01-11T00:00:00.000Z' }),
        attestation('runbook', { role: 'security' }),
        attestation('runbook', { attestedAt: '2027-02-01T00:00:00.000Z' }),
        attestation('runbook', { programId: 'other' }),
      ]) {
        expect(
          run(p(), facts({ attestations: [ignored] })).checklist[0].status,
        ).toBe('missing');
      }
      // The newest usable attestation wins.
      const card = run(
        p({ roles: ['owner', 'security'] }),
        facts({
          attestations: [
            attestation('runbook', { id: 'old' }),
            attestation('runbook', {
              id: 'new',
              role: 'security',
              attestedAt: '2027-01-12T00:00:00.000Z',
            }),
          ],
        }),
      );
      expect(card.checklist[0].attestation?.id).toBe('new');
    });

    it('resets when the facts named in resetOn changed since attestation', () => {
      const resetting = p({ resetOn: ['manifests'] });
      const base = facts();
      const fingerprint = computeSourceFingerprint(base, ['manifests']);
      expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
      const same = run(
        resetting,
        facts({
          attestations: [
            attestation('runbook', { factsFingerprint: fingerprint }),
          ],
        }),
      );
      expect(same.checklist[0].status).toBe('attested');
      const changed = run(
        resetting,
        facts({
          manifests: [
            {
              path: 'deploy/service.yaml',
              content: SERVICE_YAML.replace('port: 80', 'port: 81'),
            },
          ],
          attestations: [
            attestation('runbook', { factsFingerprint: fingerprint }),
          ],
        }),
      );
      expect(changed.checklist[0].status).toBe('reset');
      expect(changed.phase).toBe('not-started');
      // Catalog-only changes do not touch a manifests fingerprint.
      const otherEntity = facts({
        attestations: [
          attestation('runbook', { factsFingerprint: fingerprint }),
        ],
      });
      otherEntity.entity.metadata.title = 'Renamed';
      expect(run(resetting, otherEntity).checklist[0].status).toBe('attested');
      // While the source is down the attestation is kept.
      const down = facts({
        manifests: undefined,
        sources: { manifests: { status: 'failed' } },
        attestations: [
          attestation('runbook', { factsFingerprint: fingerprint }),
        ],
      });
      expect(run(resetting, down).checklist[0].status).toBe('attested');
    });

    it('can be waived', () => {
      const card = run(p(), facts({ waivers: [waiver('runbook')] }));
      expect(card.checklist[0]).toMatchObject({
        status: 'waived',
        waiver: { id: 'w-runbook' },
      });
      expect(card.phase).toBe('enforce');
    });
  });

  describe('determinism', () => {
    const p = program(
      [
        check('ports', 'named-ports', 'pilot'),
        check('live', 'cluster-only', 'expand'),
      ],
      [item('runbook', 'pilot', { expiresAfter: 'P30D' })],
    );
    const f = () =>
      facts({
        manifests: [
          { path: 'b.yaml', content: SERVICE_YAML.replace(/web/g, 'api') },
          { path: 'a.yaml', content: SERVICE_YAML },
        ],
        attestations: [attestation('runbook')],
        waivers: [waiver('ports')],
      });

    it('serializes equal input to identical bytes, with sorted keys', () => {
      const first = serializeScorecard(run(p, f()));
      const second = serializeScorecard(run(p, f()));
      expect(second).toBe(first);
      const reordered = f();
      reordered.manifests!.reverse();
      expect(serializeScorecard(run(p, reordered))).toBe(first);
      const parsed = JSON.parse(first);
      expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
      expect(Object.keys(parsed.checks[0])).toEqual(
        [...Object.keys(parsed.checks[0])].sort(),
      );
    });

    it('reads neither the machine clock nor randomness', () => {
      const now = jest.spyOn(Date, 'now').mockImplementation(() => {
        throw new Error('Date.now called');
      });
      const random = jest.spyOn(Math, 'random').mockImplementation(() => {
        throw new Error('Math.random called');
      });
      try {
        expect(() => run(p, f())).not.toThrow();
      } finally {
        now.mockRestore();
        random.mockRestore();
      }
    });

    it('hashes the facts without the clock or fetch times', () => {
      const hash = computeFactsHash(p, f());
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(
        computeFactsHash(p, { ...f(), now: '2030-01-01T00:00:00.000Z' }),
      ).toBe(hash);
      const refetched = f();
      refetched.sources.manifests = {
        status: 'ok',
        fetchedAt: '2027-01-15T11:59:00.000Z',
      };
      expect(computeFactsHash(p, refetched)).toBe(hash);
      const etag = f();
      etag.entity.metadata.etag = 'other';
      expect(computeFactsHash(p, etag)).toBe(hash);

      const edited = f();
      edited.manifests![0].content += '\n# comment\n';
      expect(computeFactsHash(p, edited)).not.toBe(hash);
      expect(
        computeFactsHash(
          { ...p, metadata: { ...p.metadata, version: '4' } },
          f(),
        ),
      ).not.toBe(hash);
      expect(computeFactsHash(p, { ...f(), waivers: [] })).not.toBe(hash);
      expect(run(p, f()).factsHash).toBe(hash);
    });

    it('rejects an evaluation clock that is not a timestamp', () => {
      expect(() => run(p, { ...f(), now: 'yesterday' })).toThrow(
        'facts.now must be an ISO-8601 timestamp, got "yesterday"',
      );
    });

    it('uses the clock as facts timestamp when no source has a fetch time', () => {
      const card = run(p, facts({ sources: { manifests: { status: 'ok' } } }));
      expect(card.factsTimestamp).toBe(NOW);
    });
  });
});
