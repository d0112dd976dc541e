/*
 * Every manifest check together: a service written the way the playbooks
 * recommend passes all of them at once (or they do not apply), for each
 * mesh. This guards against rules that contradict each other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listAnalyzers, getAnalyzer } from './registry';
import { contextFor } from './testUtils';
import { scopeToDataPlanes } from '../dataplane';
import type { EntityFacts, MeshFlavour } from '../types';
import { evaluate } from '../engine';
import { loadProgram } from '../program';

function fixture(name: string): string {
  return fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');
}

const entity = {
  metadata: {
    name: 'cart',
    annotations: {
      'mesh-readiness.io/manifests': 'k8s/*.yaml',
      'backstage.io/kubernetes-id': 'cart',
    },
  },
  spec: { owner: 'group:default/shop', type: 'service' },
};

describe.each<[MeshFlavour, string]>([
  ['istio', 'istio-ready.yaml'],
  ['istio', 'istio-ambient-ready.yaml'],
  ['istio', 'istio-gateway-api-ready.yaml'],
  ['linkerd', 'linkerd-ready.yaml'],
])('a %s-ready service (%s)', (mesh, file) => {
  // Ambient enrolment and the migration blockers belong to the ambient
  // programs; a sidecar service is not scored against them.
  const ambientOnly = (id: string) =>
    id.startsWith('mesh.ambient.') || id.startsWith('migrate.');
  const manifestChecks = listAnalyzers().filter(
    a =>
      a.mesh.includes(mesh) &&
      a.evidence.every(e => e === 'manifests' || e === 'catalog') &&
      a.id !== 'sec.mtls.callers' &&
      (file === 'istio-ambient-ready.yaml' || !ambientOnly(a.id)),
  );

  it.each(manifestChecks.map(a => [a.id]))('passes %s', id => {
    // The catalog knows the service's caller, whose ServiceAccount the
    // Istio fixture's ALLOW rule names (a principal of another namespace).
    const context = contextFor(
      { [`k8s/${file}`]: fixture(file) },
      {
        mesh,
        entity,
        facts: {
          catalog: {
            ownerIsGroup: true,
            callers: [
              {
                entityRef: 'component:default/web',
                phase: 'enforce',
                meshed: true,
              },
            ],
          },
        },
      },
    );
    expect(context.manifests.problems).toEqual([]);
    // Scoped to the check's data planes, as the engine runs it.
    const analyzer = getAnalyzer(id)!;
    const scope = scopeToDataPlanes(
      context.manifests,
      analyzer.dataPlanes,
      mesh,
    );
    const outcome = scope.notApplicable
      ? { status: 'not-applicable', findings: scope.leftOut }
      : analyzer.analyze({ ...context, manifests: scope.manifests });
    const gaps = outcome.findings.filter(
      f => f.level === 'fail' || f.level === 'warn',
    );
    expect({ id, status: outcome.status, gaps }).toEqual({
      id,
      status: expect.stringMatching(/^(pass|not-applicable)$/),
      gaps: [],
    });
  });
});

/*
 * No data plane is favoured: the same service on sidecars, on sidecars with
 * Gateway API routing, and in ambient with a waypoint reaches the same
 * phase of the shipped Istio program, with every manual item attested.
 */
describe('the same service on each Istio data plane', () => {
  const programFile = path.resolve(
    __dirname,
    '../../programs/istio-adoption.yaml',
  );
  const loaded = loadProgram(fs.readFileSync(programFile, 'utf8'), programFile);
  if (!loaded.ok) throw new Error(loaded.problems[0].message);
  const program = loaded.program;

  function scorecard(file: string) {
    const facts: EntityFacts = {
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        ...entity,
        metadata: { ...entity.metadata, namespace: 'default' },
      },
      catalog: {
        ownerIsGroup: true,
        callers: [
          {
            entityRef: 'component:default/web',
            phase: 'enforce',
            meshed: true,
          },
        ],
      },
      manifests: [{ path: `k8s/${file}`, content: fixture(file) }],
      sources: {
        catalog: { status: 'ok' },
        manifests: { status: 'ok' },
      },
      attestations: program.spec.checklist.map(item => ({
        id: `a-${item.id}`,
        entityRef: 'component:default/cart',
        programId: program.metadata.name,
        itemId: item.id,
        attestedBy: 'user:default/jane',
        role: item.roles[0],
        attestedAt: '2027-01-05T09:00:00.000Z',
      })),
      waivers: [],
      now: '2027-01-15T12:00:00.000Z',
    };
    return evaluate(program, facts);
  }

  it('reaches the same phase, with no failing manifest check', () => {
    const cards = [
      'istio-ready.yaml',
      'istio-gateway-api-ready.yaml',
      'istio-ambient-ready.yaml',
    ].map(file => ({ file, card: scorecard(file) }));
    for (const { file, card } of cards) {
      expect({
        file,
        failing: card.checks
          .filter(c => c.status === 'fail' || c.status === 'warn')
          .map(c => `${c.checkId}: ${c.summary}`),
      }).toEqual({ file, failing: [] });
    }
    expect(cards.map(({ card }) => card.phase)).toEqual([
      cards[0].card.phase,
      cards[0].card.phase,
      cards[0].card.phase,
    ]);
    expect(cards[0].card.phase).toBe('sustain');
    // Sidecar-only checks do not apply in ambient, and say why.
    const startup = cards[2].card.checks.find(c => c.checkId === 'k8s.startup');
    expect(startup?.status).toBe('not-applicable');
  });
});
