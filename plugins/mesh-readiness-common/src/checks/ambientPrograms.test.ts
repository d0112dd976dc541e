/*
 * The shipped ambient programs: they load, the ambient-ready service
 * reaches the last phase of istio-ambient-adoption with no sidecar-only
 * failure, and the migration program names the blockers of a sidecar
 * service.
 */
import fs from 'node:fs';
import path from 'node:path';
import { evaluate } from '../engine';
import { loadProgram } from '../program';
import type { EntityFacts, Program } from '../types';

function program(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) {
    throw new Error(
      result.problems.map(p => `${p.line}:${p.column} ${p.message}`).join('\n'),
    );
  }
  return result.program;
}

function facts(file: string, chosen: Program): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'cart',
        namespace: 'default',
        annotations: {
          'mesh-readiness.io/manifests': 'k8s/*.yaml',
          'backstage.io/kubernetes-id': 'cart',
          'mesh-readiness.io/program': chosen.metadata.name,
        },
      },
      spec: { owner: 'group:default/shop', type: 'service' },
    },
    catalog: {
      ownerIsGroup: true,
      callers: [
        { entityRef: 'component:default/web', phase: 'enforce', meshed: true },
      ],
    },
    manifests: [
      {
        path: `k8s/${file}`,
        content: fs.readFileSync(
          path.join(__dirname, '__fixtures__', file),
          'utf8',
        ),
      },
    ],
    sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
    attestations: chosen.spec.checklist.map(item => ({
      id: `a-${item.id}`,
      entityRef: 'component:default/cart',
      programId: chosen.metadata.name,
      itemId: item.id,
      attestedBy: 'user:default/jane',
      role: item.roles[0],
      attestedAt: '2027-01-05T09:00:00.000Z',
    })),
    waivers: [],
    now: '2027-01-15T12:00:00.000Z',
  };
}

describe('istio-ambient-adoption', () => {
  const ambient = program('istio-ambient-adoption');

  it('scores the ambient-ready service at its last phase', () => {
    const card = evaluate(ambient, facts('istio-ambient-ready.yaml', ambient));
    expect(
      card.checks
        .filter(c => c.status === 'fail' || c.status === 'warn')
        .map(c => `${c.checkId}: ${c.summary}`),
    ).toEqual([]);
    expect(card.phase).toBe('sustain');
  });

  it('keeps a sidecar service at not-started: it is not enrolled in ambient', () => {
    const card = evaluate(ambient, facts('istio-ready.yaml', ambient));
    const enrolled = card.checks.find(
      c => c.checkId === 'mesh.ambient.enrolled',
    );
    expect(enrolled?.status).toBe('fail');
    expect(card.phase).toBe('not-started');
  });
});

describe('istio-sidecar-to-ambient', () => {
  const migration = program('istio-sidecar-to-ambient');

  it('names the published blockers of a sidecar service', () => {
    const card = evaluate(migration, facts('istio-ready.yaml', migration));
    const failing = card.checks
      .filter(c => c.status === 'fail')
      .map(c => c.checkId);
    expect(failing).toEqual(
      expect.arrayContaining([
        'migrate.virtualservice',
        'migrate.subsets',
        'mesh.ambient.enrolled',
      ]),
    );
    expect(card.phase).toBe('not-started');
  });

  it('passes the blockers once routing is on HTTPRoute without subsets', () => {
    const card = evaluate(
      migration,
      facts('istio-ambient-ready.yaml', migration),
    );
    expect(
      card.checks.filter(c => c.status === 'fail').map(c => c.checkId),
    ).toEqual([]);
    expect(card.phase).toBe('expand');
  });
});
