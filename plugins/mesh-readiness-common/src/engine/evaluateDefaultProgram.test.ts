import fs from 'fs';
import path from 'path';
import { loadProgram } from '../program';
import type { Attestation, EntityFacts, Program } from '../types';
import { evaluate } from './evaluate';
import { serializeScorecard } from './serializeScorecard';

/*
 * The engine with its real analyzers and the shipped Istio program: a
 * service whose manifests are written to pass the pilot checks reaches
 * pilot once its pilot checklist is attested, and live-evidence checks stay
 * not-evaluated in an installation without cluster and metrics providers.
 */

function defaultProgram(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) {
    throw new Error(`${id} does not load: ${result.problems[0].message}`);
  }
  return result.program;
}

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
`;

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: cart
  template:
    metadata:
      labels:
        app: cart
        version: v1
    spec:
      serviceAccountName: cart
      containers:
        - name: cart
          image: registry.example/cart:2.1.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    app: cart
  ports:
    - name: http-web
      port: 80
      targetPort: 8080
`;

function attestation(itemId: string): Attestation {
  return {
    id: `a-${itemId}`,
    entityRef: 'component:default/cart',
    programId: 'istio-adoption',
    itemId,
    attestedBy: 'user:default/jane',
    role: 'owner',
    attestedAt: '2027-01-05T09:00:00.000Z',
  };
}

function facts(): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'cart',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'cart',
          'mesh-readiness.io/manifests': 'deploy/',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/payments-team',
      },
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/payments-team' },
      ],
    },
    catalog: { ownerIsGroup: true, callers: [] },
    manifests: [
      { path: 'deploy/namespace.yaml', content: NAMESPACE },
      { path: 'deploy/cart.yaml', content: WORKLOAD },
    ],
    sources: {
      catalog: { status: 'ok', fetchedAt: '2027-01-15T11:00:00.000Z' },
      manifests: { status: 'ok', fetchedAt: '2027-01-15T11:05:00.000Z' },
    },
    attestations: [
      attestation('manual.on-call'),
      attestation('manual.rollback-plan'),
    ],
    waivers: [],
    now: '2027-01-15T12:00:00.000Z',
  };
}

describe('evaluate with the default Istio program', () => {
  const program = defaultProgram('istio-adoption');

  it('scores a pilot-ready service at pilot, without live evidence', () => {
    const card = evaluate(program, facts());
    const pilotBlockers = card.checks.filter(
      c =>
        c.phase === 'pilot' &&
        c.severity === 'required' &&
        !['pass', 'not-evaluated', 'not-applicable'].includes(c.status),
    );
    expect(pilotBlockers.map(c => `${c.checkId}: ${c.summary}`)).toEqual([]);
    expect(card.phase).toBe('pilot');
    expect(card.nextPhase).toBe('expand');
    expect(card.checks.map(c => c.checkId)).toEqual(
      program.spec.checks.map(c => c.id),
    );
    expect(card.notConnected).toEqual(['cluster', 'metrics']);
    for (const liveOnly of [
      'k8s.inject.present',
      'k8s.pod.netadmin',
      'sec.mtls.observed',
      'obs.golden',
      'ops.drift',
    ]) {
      expect(card.checks.find(c => c.checkId === liveOnly)).toMatchObject({
        status: 'not-evaluated',
        summary: expect.stringMatching(/^needs (cluster|metrics)/),
      });
    }
    // Only recommended pilot items may remain before the expand work.
    const required = card.nextSteps.filter(s => s.severity === 'required');
    expect(required[0].phase).toBe('expand');
    expect(
      card.nextSteps.filter(s => s.phase === 'pilot').map(s => s.severity),
    ).not.toContain('required');
  });

  it('points failures at the manifest file and line', () => {
    const broken = facts();
    broken.manifests![1].content = WORKLOAD.replace(
      '    - name: http-web\n',
      '    - name: web\n',
    );
    const card = evaluate(program, broken);
    const protocol = card.checks.find(c => c.checkId === 'k8s.svc.protocol')!;
    expect(protocol.status).toBe('fail');
    expect(protocol.findings).toContainEqual(
      expect.objectContaining({
        level: 'fail',
        file: 'deploy/cart.yaml',
        line: expect.any(Number),
      }),
    );
    expect(card.phase).toBe('not-started');
    expect(card.nextSteps[0]).toMatchObject({
      itemId: 'k8s.svc.protocol',
      playbook: { id: 'k8s.svc.protocol' },
    });
  });

  it('gives byte-identical scorecards for the same input', () => {
    const first = serializeScorecard(evaluate(program, facts()));
    expect(serializeScorecard(evaluate(program, facts()))).toBe(first);
    const reordered = facts();
    reordered.manifests!.reverse();
    expect(serializeScorecard(evaluate(program, reordered))).toBe(first);
  });
});

describe('evaluate with the default Linkerd program', () => {
  const program = defaultProgram('linkerd-adoption');

  it('scores a pilot-ready service at pilot, without live evidence', () => {
    const linkerdFacts = facts();
    linkerdFacts.manifests![0].content = NAMESPACE.replace(
      '  labels:\n    istio-injection: enabled\n',
      '  annotations:\n    linkerd.io/inject: enabled\n',
    );
    linkerdFacts.manifests![1].content = WORKLOAD.replace(
      '      targetPort: 8080\n',
      '      targetPort: 8080\n      appProtocol: http\n',
    );
    linkerdFacts.attestations = linkerdFacts.attestations.map(a => ({
      ...a,
      programId: 'linkerd-adoption',
    }));
    const card = evaluate(program, linkerdFacts);
    const pilotBlockers = card.checks.filter(
      c =>
        c.phase === 'pilot' &&
        c.severity === 'required' &&
        !['pass', 'not-evaluated', 'not-applicable'].includes(c.status),
    );
    expect(pilotBlockers.map(c => `${c.checkId}: ${c.summary}`)).toEqual([]);
    expect(card).toMatchObject({
      mesh: 'linkerd',
      phase: 'pilot',
      nextPhase: 'expand',
    });
    expect(card.checks.map(c => c.checkId)).toContain('k8s.pod.satoken');
    expect(card.checks.map(c => c.checkId)).not.toContain('mesh.dr.valid');
  });
});
