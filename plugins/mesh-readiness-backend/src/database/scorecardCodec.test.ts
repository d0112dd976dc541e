import {
  evaluate,
  loadProgram,
  type EntityFacts,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { defaultProgramPath } from '../programs/ProgramRegistry';
import { serviceManifests } from '../__testUtils__/fixtures';
import {
  decodeScorecard,
  decodeScorecardAsync,
  encodeScorecard,
  encodeScorecardAsync,
} from './scorecardCodec';

function shippedProgram() {
  const file = defaultProgramPath('istio-adoption');
  const loaded = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!loaded.ok)
    throw new Error(loaded.problems.map(p => p.message).join('; '));
  return loaded.program;
}

const facts: EntityFacts = {
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'svc',
      namespace: 'default',
      annotations: { 'mesh-readiness.io/manifests': 'k8s/*.yaml' },
    },
    spec: { type: 'service', owner: 'team-a' },
  },
  manifests: Object.entries(serviceManifests('svc')).map(([path, content]) => ({
    path,
    content,
  })),
  sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
  catalog: { ownerIsGroup: true, callers: [] },
  attestations: [
    {
      id: 'a1',
      entityRef: 'component:default/svc',
      programId: 'istio-adoption',
      itemId: 'manual.on-call',
      attestedBy: 'user:default/alice',
      role: 'owner',
      attestedAt: '2026-10-01T00:00:00.000Z',
    },
  ],
  waivers: [
    {
      id: 'w1',
      entityRef: 'component:default/svc',
      programId: 'istio-adoption',
      itemId: 'k8s.probes',
      state: 'approved',
      justification: 'later',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-10-01T00:00:00.000Z',
      decidedBy: 'user:default/lead',
      expiresAt: '2027-01-01T00:00:00.000Z',
    },
  ],
  now: '2026-11-01T00:00:00.000Z',
};

describe('scorecard codec', () => {
  const program = shippedProgram();
  const scorecard = evaluate(program, facts);

  it('gives back exactly the scorecard the engine produced', () => {
    const stored = encodeScorecard(scorecard, program);
    expect(decodeScorecard(stored, () => program)).toEqual(scorecard);
  });

  it('stores the same bytes when compressing off the event loop', async () => {
    const stored = await encodeScorecardAsync(scorecard, program);
    expect(stored.equals(encodeScorecard(scorecard, program))).toBe(true);
    expect(await decodeScorecardAsync(stored, () => program)).toEqual(
      scorecard,
    );
    expect(
      (await encodeScorecardAsync(scorecard)).equals(
        encodeScorecard(scorecard),
      ),
    ).toBe(true);
  });

  it('leaves the program texts out of the stored form', () => {
    const full = encodeScorecard(scorecard);
    const slim = encodeScorecard(scorecard, program);
    expect(slim.length).toBeLessThan(full.length / 2);
    const json = inflateRawSync(slim).toString('utf8');
    expect(json).not.toContain(program.spec.checks[0].remediation);
  });

  it('stores everything when the program version differs or is unknown', () => {
    const other = {
      ...program,
      metadata: { ...program.metadata, version: '9.9.9' },
    };
    const stored = encodeScorecard(scorecard, other);
    expect(decodeScorecard(stored)).toEqual(scorecard);
    expect(decodeScorecard(encodeScorecard(scorecard))).toEqual(scorecard);
  });

  it('keeps fields that differ from the program', () => {
    const edited = {
      ...scorecard,
      checks: scorecard.checks.map((c, i) =>
        i === 0 ? { ...c, title: 'A title the program does not have' } : c,
      ),
    };
    const withoutPlaybook = {
      ...edited,
      checks: edited.checks.map((c, i) => {
        if (i !== 1) return c;
        const { playbook, ...rest } = c;
        return rest;
      }),
    };
    const stored = encodeScorecard(withoutPlaybook, program);
    expect(decodeScorecard(stored, () => program)).toEqual(withoutPlaybook);
  });
});
