import type { z } from 'zod';
import { buildCiFactsExport, CiFactsExport } from '../ci';
import type { Attestation, Waiver } from '../types';
import { attestationFileSchema, ciFactsSchema } from './ciExport';
import { explainSchemaIssues } from './issues';

/** Fails to compile unless A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const exportTypeIsTheSchemas: Same<
  CiFactsExport,
  z.output<typeof ciFactsSchema>
> = true;

const attestation: Attestation = {
  id: 'att-1',
  entityRef: 'component:default/payments',
  programId: 'istio-adoption',
  itemId: 'security-review',
  attestedBy: 'user:default/sam',
  role: 'security',
  attestedAt: '2026-11-01T09:00:00.000Z',
};
const waiver: Waiver = {
  id: 'w-1',
  entityRef: 'component:default/payments',
  programId: 'istio-adoption',
  itemId: 'k8s.svc.protocol',
  state: 'approved',
  justification: 'Legacy port until the migration',
  requestedBy: 'user:default/sam',
  requestedAt: '2026-11-01T09:00:00.000Z',
  decidedBy: 'user:default/pat',
  decidedAt: '2026-11-02T09:00:00.000Z',
  expiresAt: '2027-01-01T00:00:00.000Z',
};

describe('the CI export schema', () => {
  it('accepts what the backend exports', () => {
    expect(exportTypeIsTheSchemas).toBe(true);
    const exported = buildCiFactsExport({
      entityRef: attestation.entityRef,
      programId: attestation.programId,
      exportedAt: '2026-11-10T00:00:00.000Z',
      attestations: [attestation],
      waivers: [waiver],
      catalog: {
        ownerIsGroup: true,
        callers: [
          { entityRef: 'component:default/web', phase: 'pilot', meshed: true },
        ],
      },
    });
    expect(ciFactsSchema.parse(exported)).toEqual(exported);
    // The CLI reads the same document.
    expect(attestationFileSchema.parse(exported)).toEqual(exported);
  });

  it('reads a hand-made file with only attestations, and empty lists', () => {
    expect(
      attestationFileSchema.parse({ attestations: [attestation] }),
    ).toEqual({ attestations: [attestation], waivers: [] });
    expect(
      attestationFileSchema.parse({ attestations: null, waivers: null }),
    ).toEqual({ attestations: [], waivers: [] });
  });

  it('says what is wrong and where', () => {
    const input = {
      entityRef: 'component:default/payments',
      exportedAt: 'last tuesday',
      attestations: [{ ...attestation, role: 'auditor', extra: 1 }],
      waivers: [{ ...waiver, justification: undefined }],
      catalog: { callers: [{ entityRef: 'component:default/web' }] },
    };
    const parsed = attestationFileSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const problems = explainSchemaIssues(
      attestationFileSchema,
      input,
      parsed.error!.issues,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: ['exportedAt'],
          anchor: 'value',
          message: expect.stringMatching(
            /^the string "last tuesday" is not an ISO-8601 date and time/,
          ),
        },
        {
          path: ['attestations', 0, 'role'],
          anchor: 'value',
          message: '"auditor" is not one of owner, security, platform',
        },
        {
          path: ['attestations', 0, 'extra'],
          anchor: 'key',
          message: expect.stringMatching(
            /^unknown field "extra" in attestations\[0\]; allowed fields: id, entityRef/,
          ),
        },
        {
          path: ['waivers', 0, 'justification'],
          anchor: 'owner',
          message: 'missing required field "justification" in waivers[0]',
        },
        {
          path: ['catalog', 'callers', 0, 'phase'],
          anchor: 'owner',
          message: 'missing required field "phase" in catalog.callers[0]',
        },
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses catalog facts without the entity they belong to', () => {
    const parsed = attestationFileSchema.safeParse({
      catalog: { ownerIsGroup: true },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([
      expect.objectContaining({
        path: ['catalog'],
        message:
          'catalog facts belong to one entity; give its entityRef next to them',
      }),
    ]);
  });
});
