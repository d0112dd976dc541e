import type { Attestation, Waiver } from '../types';
import { buildCiEvaluationFacts, buildCiFactsExport } from './ciFacts';

const svcA = 'component:default/svc-a';

function attestation(
  id: string,
  extra: Partial<Attestation> = {},
): Attestation {
  return {
    id,
    entityRef: svcA,
    programId: 'istio-adoption',
    itemId: 'manual.on-call',
    attestedBy: 'user:default/alice',
    role: 'owner',
    attestedAt: '2026-11-01T00:00:00.000Z',
    ...extra,
  };
}

function waiver(id: string, extra: Partial<Waiver> = {}): Waiver {
  return {
    id,
    entityRef: svcA,
    programId: 'istio-adoption',
    itemId: 'k8s.probes',
    state: 'approved',
    justification: 'Probes land next sprint',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-11-01T00:00:00.000Z',
    expiresAt: '2026-12-01T00:00:00.000Z',
    ...extra,
  };
}

describe('buildCiFactsExport', () => {
  const catalog = {
    ownerIsGroup: true,
    callers: [
      { entityRef: 'component:default/svc-b', phase: 'pilot', meshed: true },
    ],
  };

  it('keeps only the attestations and waivers of the entity and program in force at the export time', () => {
    const exported = buildCiFactsExport({
      entityRef: svcA,
      programId: 'istio-adoption',
      exportedAt: '2026-11-10T00:00:00.000Z',
      attestations: [
        attestation('in-force'),
        attestation('expires-later', { expiresAt: '2026-11-10T00:00:01.000Z' }),
        attestation('expired', { expiresAt: '2026-11-09T00:00:00.000Z' }),
        attestation('expires-now', { expiresAt: '2026-11-10T00:00:00.000Z' }),
        attestation('revoked', { revokedAt: '2026-11-02T00:00:00.000Z' }),
        attestation('other-program', { programId: 'linkerd-adoption' }),
        attestation('other-entity', { entityRef: 'component:default/svc-b' }),
      ],
      waivers: [
        waiver('approved'),
        waiver('requested', { state: 'requested' }),
        waiver('revoked', { state: 'revoked' }),
        waiver('past', { expiresAt: '2026-11-05T00:00:00.000Z' }),
        waiver('other-program', { programId: 'linkerd-adoption' }),
      ],
      catalog,
    });
    expect(exported).toEqual({
      entityRef: svcA,
      programId: 'istio-adoption',
      exportedAt: '2026-11-10T00:00:00.000Z',
      attestations: [
        attestation('in-force'),
        attestation('expires-later', { expiresAt: '2026-11-10T00:00:01.000Z' }),
      ],
      waivers: [waiver('approved')],
      catalog,
    });
  });

  it('compares instants, not text, when timestamps carry an offset', () => {
    const exported = buildCiFactsExport({
      entityRef: svcA,
      programId: 'istio-adoption',
      exportedAt: '2026-11-10T00:00:00.000Z',
      attestations: [
        // 01:00+02:00 is 23:00 the day before: expired.
        attestation('offset', { expiresAt: '2026-11-10T01:00:00+02:00' }),
      ],
      waivers: [],
      catalog,
    });
    expect(exported.attestations).toEqual([]);
  });

  it('refuses an export time that is not a timestamp', () => {
    expect(() =>
      buildCiFactsExport({
        entityRef: svcA,
        programId: 'istio-adoption',
        exportedAt: 'yesterday',
        attestations: [],
        waivers: [],
        catalog,
      }),
    ).toThrow('exportedAt must be an ISO-8601 timestamp, got "yesterday"');
  });
});

describe('buildCiEvaluationFacts', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc-a', namespace: 'default' },
    spec: { type: 'service', owner: 'team-a' },
  };

  it('connects the catalog and the manifests only, so live checks are not evaluated', () => {
    const facts = buildCiEvaluationFacts({
      entity,
      manifests: [{ path: 'k8s/svc.yaml', content: 'kind: Service\n' }],
      now: '2026-11-10T00:00:00.000Z',
    });
    expect(facts).toEqual({
      entity,
      manifests: [{ path: 'k8s/svc.yaml', content: 'kind: Service\n' }],
      sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
      attestations: [],
      waivers: [],
      now: '2026-11-10T00:00:00.000Z',
    });
  });

  it('adds the exported attestations, waivers and catalog facts', () => {
    const catalog = { ownerIsGroup: false, callers: [] };
    const facts = buildCiEvaluationFacts({
      entity,
      manifests: [],
      attestations: [attestation('a')],
      waivers: [waiver('w')],
      catalog,
      now: '2026-11-10T00:00:00.000Z',
    });
    expect(facts.attestations).toEqual([attestation('a')]);
    expect(facts.waivers).toEqual([waiver('w')]);
    expect(facts.catalog).toBe(catalog);
  });
});
